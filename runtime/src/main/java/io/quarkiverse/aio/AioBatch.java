package io.quarkiverse.aio;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;

/**
 * Operations gathered to be submitted together, from {@link AioContext#batch()}: each call checks its arguments at
 * once (alignment, buffers, flags, as the same call on {@link AioFile} does) and returns the operation's own stage;
 * nothing reaches the kernel before {@link #submit()}, which sends them in order, in as few {@code io_submit} calls
 * as the ring allows (one when they fit in it); what finds no room waits in the queue behind, in order. A write's data
 * is taken when it is added, where the buffer rule copies it. For one thread at a time; a batch is used once.
 * <p>
 * A batch is the way to group-commit: add the records' writes and an {@code fdatasync}, or the writes with
 * {@link RwFlags#DSYNC}, and submit. An fsync in a batch is not a barrier for the writes before it (see the guide's
 * durability section): flush after their stages complete, or use {@code DSYNC}.
 */
public interface AioBatch {

    /** As {@link AioFile#read(MemorySegment, long)}, submitted with the batch. */
    CompletionStage<Integer> read(AioFile file, MemorySegment dst, long position);

    /** As {@link AioFile#write(MemorySegment, long, RwFlags)}, submitted with the batch. */
    CompletionStage<Integer> write(AioFile file, MemorySegment src, long position, RwFlags flags);

    /** As {@link AioFile#write(MemorySegment, long)}, submitted with the batch. */
    default CompletionStage<Integer> write(AioFile file, MemorySegment src, long position) {
        return write(file, src, position, RwFlags.NONE);
    }

    /** As {@link AioFile#read(ByteBuffer, long)}: the buffer's position moves when the stage completes. */
    CompletionStage<Integer> read(AioFile file, ByteBuffer dst, long position);

    /** As {@link AioFile#write(ByteBuffer, long)}: the buffer's position moves when the stage completes. */
    CompletionStage<Integer> write(AioFile file, ByteBuffer src, long position);

    /** As {@link AioFile#fsync()}, submitted with the batch. */
    CompletionStage<Void> fsync(AioFile file);

    /** As {@link AioFile#fdatasync()}, submitted with the batch. */
    CompletionStage<Void> fdatasync(AioFile file);

    /** The operations added so far. */
    int size();

    /**
     * Submits every operation added, in order. Operations of a file closed since it was added fail with
     * {@link AioClosedException}; past {@code max-queued} with {@link AioQueueFullException}, as single ones do.
     *
     * @throws IllegalStateException when the batch was submitted already
     */
    void submit();
}
