package io.quarkiverse.aio;

import java.io.Closeable;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.concurrent.CompletionStage;

/**
 * A file opened through an {@link AioContext}. Reads, writes and syncs are submitted to the kernel and return at
 * once; the returned stage completes when the kernel reports the operation done.
 * <h2>Buffers</h2>
 * Buffers must be native memory, and the kernel never uses memory its owner can free before the operation completes.
 * Memory from {@link #allocate(long)} (or any automatic arena) is used directly: the library keeps a reference to it
 * until the operation completes, so it cannot be freed earlier. Memory from an arena you can close
 * ({@code Arena.ofShared()}, {@code Arena.ofConfined()}) goes through library memory by default
 * ({@link CloseableArenaBuffers#COPY}): a write is copied when it is submitted, a read is copied into your buffer when it
 * completes (and fails with {@link AioClosedException} if the arena was closed meanwhile); reads into a confined
 * arena are refused. With {@link CloseableArenaBuffers#TRUST} such memory is used directly, and closing its arena
 * before the stage completes lets the kernel write into freed memory.
 * <h2>Direct I/O</h2>
 * When the file was opened with {@code ExtendedOpenOption.DIRECT}, buffer addresses must be multiples of
 * {@link #memoryAlignment()} and lengths and positions multiples of {@link #offsetAlignment()}; anything else is
 * refused with {@link AioAlignmentException} before it reaches the kernel.
 * <h2>Errors</h2>
 * Wrong arguments throw at once ({@link IllegalArgumentException}, {@link AioAlignmentException},
 * {@link IllegalStateException}). Failures the kernel reports complete the stage with {@link AioException}; a
 * closed file or context completes it with {@link AioClosedException}.
 */
public interface AioFile extends Closeable {

    /** The path the file was opened with. */
    Path path();

    /** Whether the file was opened for direct I/O ({@code O_DIRECT}), bypassing the page cache. */
    boolean isDirect();

    /**
     * Reads up to {@code dst.byteSize()} bytes at {@code position} into {@code dst}.
     *
     * @return a stage with the number of bytes read: fewer near the end of the file, 0 at or past it
     */
    CompletionStage<Integer> read(MemorySegment dst, long position);

    /**
     * Writes all of {@code src} at {@code position}.
     *
     * @return a stage with the number of bytes written
     */
    CompletionStage<Integer> write(MemorySegment src, long position);

    /** {@link #read(MemorySegment, long)} with per-operation flags, such as {@link RwFlags#NOWAIT}. */
    CompletionStage<Integer> read(MemorySegment dst, long position, RwFlags flags);

    /** {@link #write(MemorySegment, long)} with per-operation flags, such as {@link RwFlags#DSYNC}. */
    CompletionStage<Integer> write(MemorySegment src, long position, RwFlags flags);

    /**
     * Reads into several buffers, in order, from {@code position} on ({@code IOCB_CMD_PREADV}, Linux 4.0+). Under
     * O_DIRECT every buffer must be aligned.
     *
     * @return a stage with the total number of bytes read
     */
    CompletionStage<Long> read(MemorySegment[] dsts, long position);

    /**
     * Writes several buffers, in order, from {@code position} on ({@code IOCB_CMD_PWRITEV}, Linux 4.0+): a journal
     * record's header and body in one operation.
     *
     * @return a stage with the total number of bytes written
     */
    CompletionStage<Long> write(MemorySegment[] srcs, long position);

    /** Flushes the file's data and metadata to the device ({@code IOCB_CMD_FSYNC}, Linux 4.18+). */
    CompletionStage<Void> fsync();

    /**
     * Flushes the file's data, and only the metadata needed to read it back, to the device ({@code IOCB_CMD_FDSYNC},
     * Linux 4.18+): cheaper than {@link #fsync()} when only the data changed.
     */
    CompletionStage<Void> fdatasync();

    /**
     * Reserves disk space for {@code length} bytes from {@code position} ({@code fallocate}, mode 0): later writes
     * there cannot fail with ENOSPC, and the file grows to {@code position + length} if it was shorter.
     */
    void preallocate(long position, long length) throws IOException;

    /** The file's current size in bytes. */
    long size() throws IOException;

    /** Sets the file's size, cutting or extending it with zeros ({@code ftruncate}). */
    void truncate(long size) throws IOException;

    /** The alignment, in bytes, that direct I/O requires of buffer addresses on this file. */
    int memoryAlignment();

    /** The alignment, in bytes, that direct I/O requires of lengths and file positions on this file. */
    int offsetAlignment();

    /**
     * Allocates zeroed native memory aligned for direct I/O on this file. The memory is freed by the garbage
     * collector once neither the caller nor an operation in flight refers to it.
     */
    MemorySegment allocate(long byteSize);

    /** Whether {@link #close()} has not been called yet. */
    boolean isOpen();

    /**
     * Closes the file. New operations are refused with {@link AioClosedException}; operations already accepted run
     * to completion, and the file descriptor is released when the last of them completes.
     */
    @Override
    void close();
}
