package io.quarkiverse.aio.mutiny;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

import io.quarkiverse.aio.AioFile;
import io.quarkiverse.aio.RwFlags;
import io.smallrye.mutiny.Uni;

/**
 * The operations of an {@link AioFile} as Mutiny {@link Uni}s, Quarkus' default reactive type. Each Uni is lazy: the
 * operation is submitted when it is subscribed to, once per subscription. It emits on the thread that completes the
 * stage: the subscriber's event loop when subscribed on one, else the poller (or the subscribing platform thread when
 * it waits with {@code await()}), unless {@code completion-dispatch=executor}. Cancelling the
 * subscription does not stop the kernel: the buffer stays in use until the operation completes.
 */
public final class UniAioFile {

    private final AioFile file;

    private UniAioFile(AioFile file) {
        this.file = file;
    }

    public static UniAioFile of(AioFile file) {
        return new UniAioFile(Objects.requireNonNull(file, "file"));
    }

    /** The file these Unis operate on. */
    public AioFile file() {
        return file;
    }

    /** See {@link AioFile#read(MemorySegment, long)}. */
    public Uni<Integer> read(MemorySegment dst, long position) {
        return Uni.createFrom().completionStage(() -> file.read(dst, position));
    }

    /** See {@link AioFile#read(MemorySegment, long, RwFlags)}. */
    public Uni<Integer> read(MemorySegment dst, long position, RwFlags flags) {
        return Uni.createFrom().completionStage(() -> file.read(dst, position, flags));
    }

    /** See {@link AioFile#write(MemorySegment, long)}. */
    public Uni<Integer> write(MemorySegment src, long position) {
        return Uni.createFrom().completionStage(() -> file.write(src, position));
    }

    /** See {@link AioFile#write(MemorySegment, long, RwFlags)}. */
    public Uni<Integer> write(MemorySegment src, long position, RwFlags flags) {
        return Uni.createFrom().completionStage(() -> file.write(src, position, flags));
    }

    /** See {@link AioFile#read(MemorySegment[], long)}. */
    public Uni<Long> read(MemorySegment[] dsts, long position) {
        return Uni.createFrom().completionStage(() -> file.read(dsts, position));
    }

    /** See {@link AioFile#write(MemorySegment[], long)}. */
    public Uni<Long> write(MemorySegment[] srcs, long position) {
        return Uni.createFrom().completionStage(() -> file.write(srcs, position));
    }

    /** See {@link AioFile#fsync()}. */
    public Uni<Void> fsync() {
        return Uni.createFrom().completionStage(file::fsync);
    }

    /** See {@link AioFile#fdatasync()}. */
    public Uni<Void> fdatasync() {
        return Uni.createFrom().completionStage(file::fdatasync);
    }
}
