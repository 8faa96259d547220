package io.quarkiverse.aio.internal;

import static io.quarkiverse.aio.internal.linux.KernelAbi.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.quarkiverse.aio.AioAlignmentException;
import io.quarkiverse.aio.AioClosedException;
import io.quarkiverse.aio.AioException;
import io.quarkiverse.aio.AioFile;
import io.quarkiverse.aio.AioFileLock;
import io.quarkiverse.aio.AioFileStatistics;
import io.quarkiverse.aio.RwFlags;
import io.quarkiverse.aio.internal.linux.Errno;
import io.quarkiverse.aio.internal.linux.LibC;
import io.quarkiverse.aio.internal.linux.Statx;

/**
 * An open file descriptor of an {@link AioEngine}. The descriptor is closed once the file is closed and its last
 * accepted operation has completed: closing it earlier would let a queued operation reach whatever file the kernel
 * gives the same number next.
 */
final class EngineFile implements AioFile {

    private final AioEngine engine;
    private final FileLimits limits;
    final int fd;
    private final boolean readable;
    private final boolean writable;
    /** Users: operations accepted and not yet completed, and threads inside a synchronous call on {@link #fd}. */
    private final UsageGate gate = new UsageGate();
    /** False for a descriptor the caller owns (poll): it is never closed here. */
    private final boolean ownsDescriptor;
    private final AtomicUnits atomicUnits;
    final FileCounters counters = new FileCounters(gate::users);
    /** Completed once the descriptor is really closed. */
    private final CompletableFuture<Void> closed = new CompletableFuture<>();

    /** The untorn write sizes statx reports (STATX_WRITE_ATOMIC, Linux 6.11+); zeros when there are none. */
    record AtomicUnits(int min, int max) {
    }

    EngineFile(AioEngine engine, int fd, OpenFlags flags, FileLimits limits, AtomicUnits atomicUnits) {
        this.engine = engine;
        this.limits = limits;
        this.fd = fd;
        this.readable = flags.readable();
        this.writable = flags.writable();
        this.ownsDescriptor = true;
        this.atomicUnits = atomicUnits;
    }

    private EngineFile(AioEngine engine, int fd) {
        this.engine = engine;
        this.limits = new FileLimits(Path.of("/proc/self/fd/" + fd), false, 1, 1, 0);
        this.fd = fd;
        this.readable = true;
        this.writable = false;
        this.ownsDescriptor = false;
        this.atomicUnits = new AtomicUnits(0, 0);
    }

    /** A caller's descriptor, for one poll: never closed by the library. */
    static EngineFile borrowed(AioEngine engine, int fd) {
        return new EngineFile(engine, fd);
    }

    AioEngine engine() {
        return engine;
    }

    @Override
    public Path path() {
        return limits.path();
    }

    @Override
    public boolean isDirect() {
        return limits.direct();
    }

    @Override
    public int memoryAlignment() {
        return limits.memoryAlignment();
    }

    @Override
    public int offsetAlignment() {
        return limits.offsetAlignment();
    }

    @Override
    public MemorySegment allocate(long byteSize) {
        return Arena.ofAuto().allocate(byteSize, Math.max(memoryAlignment(), offsetAlignment()));
    }

    @Override
    public CompletionStage<Integer> read(MemorySegment dst, long position) {
        return read(dst, position, RwFlags.NONE);
    }

    @Override
    public CompletionStage<Integer> write(MemorySegment src, long position) {
        return write(src, position, RwFlags.NONE);
    }

    @Override
    public CompletionStage<Integer> read(MemorySegment dst, long position, RwFlags flags) {
        return engine.submit(prepareRead(dst, position, flags));
    }

    /** A checked read, not submitted yet: for {@link #read} and for batches. */
    OperationStage<Integer> prepareRead(MemorySegment dst, long position, RwFlags flags) {
        checkTransfer(dst, position);
        checkReadable(dst);
        return readInto(dst, position, flags);
    }

    private OperationStage<Integer> readInto(MemorySegment dst, long position, RwFlags flags) {
        checkFlags(flags, dst.byteSize(), position);
        OperationStage<Integer> op = dst.isNative() && engine.mayUseDirectly(dst)
                ? new OperationStage<>(this, IOCB_CMD_PREAD, dst, position, OperationStage.INT_RESULT)
                : readThroughLibraryMemory(dst.byteSize(), position, OperationStage.INT_RESULT, new MemorySegment[] { dst });
        op.rwFlags = flags.bits();
        return op;
    }

    @Override
    public CompletionStage<Integer> write(MemorySegment src, long position, RwFlags flags) {
        return engine.submit(prepareWrite(src, position, flags));
    }

    /** A checked write, not submitted yet (its data already taken where the buffer rule copies it). */
    OperationStage<Integer> prepareWrite(MemorySegment src, long position, RwFlags flags) {
        checkTransfer(src, position);
        checkWritable();
        return writeFrom(src, position, flags);
    }

    private OperationStage<Integer> writeFrom(MemorySegment src, long position, RwFlags flags) {
        checkFlags(flags, src.byteSize(), position);
        OperationStage<Integer> op;
        if (src.isNative() && engine.mayUseDirectly(src)) {
            op = new OperationStage<>(this, IOCB_CMD_PWRITE, src, position, OperationStage.INT_RESULT);
        } else {
            // Copied now, on the caller's thread: later the arena may be closed (or, if confined, out of reach).
            op = new OperationStage<>(this, IOCB_CMD_PWRITE, position, OperationStage.INT_RESULT);
            lend(op, src.byteSize());
            MemorySegment.copy(src, 0, op.block.segment, 0, src.byteSize());
        }
        op.rwFlags = flags.bits();
        return op;
    }

    @Override
    public CompletionStage<Integer> read(ByteBuffer dst, long position) {
        return engine.submit(prepareRead(dst, position));
    }

    OperationStage<Integer> prepareRead(ByteBuffer dst, long position) {
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("read into a read-only buffer: the kernel must write into it");
        }
        MemorySegment segment = bufferSegment(dst, position);
        checkReadable(segment);
        OperationStage<Integer> op = readInto(segment, position, RwFlags.NONE);
        op.advance = dst;
        return op;
    }

    @Override
    public CompletionStage<Integer> write(ByteBuffer src, long position) {
        return engine.submit(prepareWrite(src, position));
    }

    OperationStage<Integer> prepareWrite(ByteBuffer src, long position) {
        checkWritable();
        OperationStage<Integer> op = writeFrom(bufferSegment(src, position), position, RwFlags.NONE);
        op.advance = src;
        return op;
    }

    /**
     * The part of a buffer from its position to its limit, checked as a transfer: a direct buffer's memory (used as
     * it is, unless it belongs to a closeable arena), or a heap buffer's array (always through library memory).
     */
    private MemorySegment bufferSegment(ByteBuffer buffer, long position) {
        MemorySegment segment = MemorySegment.ofBuffer(buffer);
        if (buffer.isDirect()) {
            checkTransfer(segment, position);
        } else {
            TransferChecks.range(segment.byteSize(), position, limits);
        }
        if (!readable && !writable) {
            throw new IllegalStateException(path() + " is open for neither reading nor writing");
        }
        return segment;
    }

    /** Per-operation flags the library checks itself: RWF_ATOMIC's sizes, which the kernel would refuse vaguely. */
    private void checkFlags(RwFlags flags, long length, long position) {
        if (!flags.contains(RwFlags.ATOMIC)) {
            return;
        }
        if (atomicUnits.max() == 0) {
            throw new UnsupportedOperationException(path() + " takes no untorn writes (RWF_ATOMIC): they need Linux"
                    + " 6.11+, O_DIRECT, and a file system and device that support them (statx reports no"
                    + " STATX_WRITE_ATOMIC units for this file; ext4 needs device support, xfs can do it in software"
                    + " with reflink)");
        }
        if (length < atomicUnits.min() || length > atomicUnits.max() || Long.bitCount(length) != 1
                || position % length != 0) {
            throw new IllegalArgumentException("an untorn write (RWF_ATOMIC) of " + length + " bytes at position "
                    + position + ": its length must be a power of two from " + atomicUnits.min() + " to "
                    + atomicUnits.max() + " bytes on " + path() + ", and its position a multiple of its length");
        }
    }

    @Override
    public CompletionStage<Long> read(MemorySegment[] dsts, long position) {
        long total = checkVector(dsts, position);
        for (MemorySegment dst : dsts) {
            checkReadable(dst);
        }
        if (!allUsableDirectly(dsts)) {
            return engine.submit(readThroughLibraryMemory(total, position, OperationStage.LONG_RESULT, dsts.clone()));
        }
        return engine.submit(vectored(IOCB_CMD_PREADV, dsts.clone(), position));
    }

    @Override
    public CompletionStage<Long> write(MemorySegment[] srcs, long position) {
        long total = checkVector(srcs, position);
        checkWritable();
        if (!allUsableDirectly(srcs)) {
            // Gathered now into library memory, on the caller's thread, and written with one plain write.
            OperationStage<Long> op = new OperationStage<>(this, IOCB_CMD_PWRITE, position, OperationStage.LONG_RESULT);
            lend(op, total);
            long offset = 0;
            for (MemorySegment src : srcs) {
                MemorySegment.copy(src, 0, op.block.segment, offset, src.byteSize());
                offset += src.byteSize();
            }
            return engine.submit(op);
        }
        return engine.submit(vectored(IOCB_CMD_PWRITEV, srcs.clone(), position));
    }

    @Override
    public CompletionStage<Void> fsync() {
        return engine.submit(prepareSync(IOCB_CMD_FSYNC));
    }

    @Override
    public CompletionStage<Void> fdatasync() {
        return engine.submit(prepareSync(IOCB_CMD_FDSYNC));
    }

    /** {@code IOCB_CMD_FSYNC} or {@code IOCB_CMD_FDSYNC}, not submitted yet. */
    OperationStage<Void> prepareSync(short opcode) {
        return new OperationStage<>(this, opcode, 0, OperationStage.NO_RESULT);
    }

    /** A read that lands in library memory and is copied into {@code targets}, in order, when it completes. */
    private <T> OperationStage<T> readThroughLibraryMemory(long length, long position, byte resultType,
            MemorySegment[] targets) {
        for (MemorySegment target : targets) {
            if (target.isNative()) {
                TransferChecks.notConfined(target);
            }
        }
        OperationStage<T> op = new OperationStage<>(this, IOCB_CMD_PREAD, position, resultType);
        lend(op, length);
        op.copyTo = targets;
        return op;
    }

    /** Gives {@code op} a block of library memory of {@code length} bytes as its buffer, returned at completion. */
    private void lend(OperationStage<?> op, long length) {
        op.block = engine.memory.take(length, memoryAlignment());
        op.address = op.block.address();
        op.length = length;
    }

    /** A vectored operation on the caller's buffers, with its iovec array in library memory. */
    private OperationStage<Long> vectored(short opcode, MemorySegment[] segments, long position) {
        OperationStage<Long> op = new OperationStage<>(this, opcode, position, OperationStage.LONG_RESULT);
        op.block = engine.memory.take(IOVEC.byteSize() * segments.length, 8);
        MemorySegment iovecs = op.block.segment;
        for (int i = 0; i < segments.length; i++) {
            iovecs.set(ValueLayout.JAVA_LONG, i * IOVEC.byteSize(), segments[i].address());
            iovecs.set(ValueLayout.JAVA_LONG, i * IOVEC.byteSize() + 8, segments[i].byteSize());
        }
        op.keepAlive = segments;
        op.address = iovecs.address();
        op.length = segments.length;
        return op;
    }

    private boolean allUsableDirectly(MemorySegment[] segments) {
        for (MemorySegment segment : segments) {
            if (!engine.mayUseDirectly(segment)) {
                return false;
            }
        }
        return true;
    }

    /** Checks each buffer of a vectored operation; the total length. */
    private long checkVector(MemorySegment[] segments, long position) {
        return TransferChecks.vector(segments, position, limits);
    }

    private void checkReadable(MemorySegment dst) {
        TransferChecks.readable(dst, readable, path());
    }

    private void checkWritable() {
        TransferChecks.writable(writable, path());
    }

    private void checkTransfer(MemorySegment segment, long position) {
        TransferChecks.transfer(segment, position, limits);
    }

    @Override
    public long size() throws AioException {
        enterForCall();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment callState = LibC.allocateCallState(arena);
            Statx statx = new Statx(arena);
            if (statx.ofDescriptor(callState, fd, STATX_SIZE) < 0) {
                throw Failures.fileCall("statx", path(), LibC.errno(callState));
            }
            return statx.size();
        } finally {
            release();
        }
    }

    @Override
    public void truncate(long size) throws AioException {
        if (size < 0) {
            throw new IllegalArgumentException("negative size: " + size);
        }
        if (!writable) {
            throw new IllegalStateException("truncate of " + path() + ", which was opened without WRITE");
        }
        enterForCall();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment callState = LibC.allocateCallState(arena);
            if (LibC.ftruncate(callState, fd, size) < 0) {
                throw Failures.fileCall("ftruncate", path(), LibC.errno(callState));
            }
        } finally {
            release();
        }
    }

    @Override
    public void preallocate(long position, long length) throws AioException {
        if (position < 0 || length <= 0 || position > Long.MAX_VALUE - length) {
            throw new IllegalArgumentException("preallocate needs a position >= 0 and a length > 0, got " + position
                    + " and " + length);
        }
        checkWritable();
        enterForCall();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment callState = LibC.allocateCallState(arena);
            if (LibC.fallocate(callState, fd, 0, position, length) < 0) {
                int errno = LibC.errno(callState);
                throw errno == Errno.EOPNOTSUPP
                        ? new AioException("fallocate on " + path() + " failed: " + Failures.errnoText(errno)
                                + ". This file system cannot preallocate; write zeros instead.", errno, "fallocate")
                        : Failures.fileCall("fallocate", path(), errno);
            }
        } finally {
            release();
        }
    }

    @Override
    public CompletionStage<Void> zeroRange(long position, long length) {
        if (position < 0 || length <= 0 || position > Long.MAX_VALUE - length) {
            throw new IllegalArgumentException("zeroRange needs a position >= 0 and a length > 0, got " + position
                    + " and " + length);
        }
        checkWritable();
        if (isDirect() && (position % offsetAlignment() != 0 || length % offsetAlignment() != 0)) {
            throw new AioAlignmentException("zeroRange on " + path() + " (O_DIRECT) needs a"
                    + " position and a length that are multiples of " + offsetAlignment() + " bytes",
                    offsetAlignment());
        }
        int errno;
        try {
            enterForCall();
        } catch (AioClosedException e) {
            return CompletableFuture.failedFuture(e);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment callState = LibC.allocateCallState(arena);
            errno = LibC.fallocate(callState, fd, FALLOC_FL_ZERO_RANGE, position, length) < 0 ? LibC.errno(callState)
                    : 0;
        } finally {
            release();
        }
        if (errno == 0) {
            return CompletableFuture.completedFuture(null);
        }
        if (errno != Errno.EOPNOTSUPP && errno != Errno.EINVAL) {
            return CompletableFuture.failedFuture(Failures.fileCall("fallocate", path(), errno));
        }
        return ZeroWrites.write(this, position, length); // the file system cannot: write the zeros
    }

    @Override
    public AioFileLock tryLock() throws AioException {
        enterForCall();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment callState = LibC.allocateCallState(arena);
            if (LibC.wholeFileLock(callState, fd, F_WRLCK) == 0) {
                return new FileLockHandle(this);
            }
            int errno = LibC.errno(callState);
            if (errno == Errno.EAGAIN || errno == Errno.EACCES) {
                return null; // held by another open file description, or by another process's fcntl or FileChannel lock
            }
            throw Failures.fileCall("fcntl(F_OFD_SETLK)", path(), errno);
        } finally {
            release();
        }
    }

    /** Releases the lock, unless the file (and so the lock) is gone already. */
    void unlock() {
        if (!gate.enter()) {
            return; // closed: closing the descriptor released the lock
        }
        try (Arena arena = Arena.ofConfined()) {
            LibC.wholeFileLock(LibC.allocateCallState(arena), fd, F_UNLCK);
        } finally {
            release();
        }
    }

    @Override
    public int atomicWriteUnitMin() {
        return atomicUnits.min();
    }

    @Override
    public int atomicWriteUnitMax() {
        return atomicUnits.max();
    }

    @Override
    public AioFileStatistics statistics() {
        return counters.snapshot();
    }

    @Override
    public CompletionStage<Void> closeAsync() {
        close();
        return ownsDescriptor ? closed.minimalCompletionStage()
                : CompletableFuture.completedStage(null);
    }

    private void enterForCall() throws AioClosedException {
        if (!gate.enter()) {
            throw new AioClosedException(path() + " is closed");
        }
    }

    /** Registers an accepted operation; false when the file is closed. */
    boolean acquire() {
        return gate.enter();
    }

    /** Unregisters a completed operation or a finished call; closes the descriptor after the last one. */
    void release() {
        if (gate.exit()) {
            closeDescriptor();
        }
    }

    @Override
    public boolean isOpen() {
        return !gate.isClosed();
    }

    @Override
    public void close() {
        if (gate.close()) {
            closeDescriptor();
        }
    }

    private void closeDescriptor() {
        if (!ownsDescriptor) {
            return;
        }
        engine.forget(this);
        engine.closeDescriptor(() -> {
            try (Arena arena = Arena.ofConfined()) {
                // close(2) releases the descriptor even when it reports an error (EINTR, EIO of a late write-back);
                // retrying could close a descriptor that another thread has been given since.
                LibC.close(LibC.allocateCallState(arena), fd);
            }
            closed.complete(null);
        });
    }

    @Override
    public String toString() {
        return "AioFile[" + path() + ", fd " + fd + (isDirect() ? ", O_DIRECT" : "") + (isOpen() ? "" : ", closed") + "]";
    }
}
