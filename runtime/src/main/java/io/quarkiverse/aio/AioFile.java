package io.quarkiverse.aio;

import java.io.Closeable;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
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

    /**
     * Reads into {@code dst} from its position to its limit, as {@code AsynchronousFileChannel.read} does: when the
     * stage completes, the buffer's position has moved by the bytes read. A direct buffer is given to the kernel as it
     * is (kept reachable until the stage completes); a heap buffer is read through library memory. O_DIRECT rules
     * apply to the buffer's address, its remaining length and the position.
     *
     * @return a stage with the number of bytes read: fewer near the end of the file, 0 at or past it
     */
    CompletionStage<Integer> read(ByteBuffer dst, long position);

    /**
     * Writes {@code src} from its position to its limit, as {@code AsynchronousFileChannel.write} does: when the stage
     * completes, the buffer's position has moved by the bytes written. A heap buffer is copied at once.
     */
    CompletionStage<Integer> write(ByteBuffer src, long position);

    /**
     * Flushes the file's data and metadata to the device ({@code IOCB_CMD_FSYNC}, Linux 4.18+). It covers the writes
     * that completed before it was submitted; it is not a barrier for writes still in flight (see the guide's
     * durability section).
     */
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

    /**
     * Makes {@code length} bytes from {@code position} read as zeros: {@code fallocate(FALLOC_FL_ZERO_RANGE)} where
     * the file system can (the blocks stay allocated, as a journal file's should), else writes of zeros, aligned for
     * direct I/O. The file grows if it was shorter.
     */
    CompletionStage<Void> zeroRange(long position, long length);

    /**
     * Takes an exclusive lock on the whole file, without waiting: an open file description lock
     * ({@code fcntl(F_OFD_SETLK)}, Linux 3.15+), which conflicts with the locks other processes take with
     * {@code fcntl}/{@code lockf} or Java's {@code FileChannel.lock}, and with another open of the same file in this
     * process. Released by closing the returned lock, or the file. (The thread-pool fallback takes a
     * {@code FileChannel} lock, which is a process-wide POSIX lock: other processes are excluded the same way.)
     *
     * @return the lock, or {@code null} when someone else holds it
     */
    AioFileLock tryLock() throws IOException;

    /**
     * The smallest untorn write this file takes with {@link RwFlags#ATOMIC} ({@code statx STATX_WRITE_ATOMIC}, Linux
     * 6.11+), or 0 when it takes none (the file system or the device cannot, or the file is not open for O_DIRECT).
     */
    int atomicWriteUnitMin();

    /** The largest untorn write this file takes with {@link RwFlags#ATOMIC}, or 0 (see {@link #atomicWriteUnitMin()}). */
    int atomicWriteUnitMax();

    /** Live figures of this file: operations, bytes, failures. */
    AioFileStatistics statistics();

    /**
     * Closes the file without waiting, from any thread (an event loop included): the stage completes once the
     * descriptor is really closed, which happens after the file's last operation has finished (that operation's own
     * stage may complete a moment later, on the thread that completes it).
     */
    CompletionStage<Void> closeAsync();

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
