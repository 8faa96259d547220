package io.quarkiverse.aio.internal;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;

import io.quarkiverse.aio.AioClosedException;
import io.quarkiverse.aio.internal.linux.Errno;
import io.quarkiverse.aio.internal.linux.KernelAbi;

/**
 * One request and the stage returned for it. Being both keeps the hot path to one allocation per operation: the
 * request waits in the submission queue as itself, and once the kernel has answered it is handed to the completion
 * executor as the {@link Runnable} that completes it.
 */
final class Operation<T> extends CompletableFuture<T> implements Runnable {

    /** What the stage completes with. */
    static final byte NO_RESULT = 0, INT_RESULT = 1, LONG_RESULT = 2;

    final EngineFile file;
    final short opcode;
    /** aio_buf and aio_nbytes: a buffer and its length, or (vectored) an iovec array and its count. */
    final long address;
    final long length;
    final long position;
    private final byte resultType;
    /**
     * Keeps the memory the kernel uses reachable (so an automatic arena cannot free it) until the kernel is done: the
     * buffer, or the iovec array and the buffers it points to.
     */
    Object buffer;
    /** The slot it holds in the kernel's ring, or -1; guarded by the engine's lock. */
    int slot = -1;
    /** aio_rw_flags (RWF_*); NOWAIT is dropped when the operation is retried after an EAGAIN. */
    int rwFlags;
    /** Where the stage completes when the caller asked for its own context (Vert.x), else null. */
    java.util.concurrent.Executor resumeOn;
    /** For metrics, when observed: when it was submitted, and when it entered the kernel (System.nanoTime). */
    long submittedNanos, inKernelNanos;
    /** io_cancel accepted this operation: a poll cancelled this way completes with no events. */
    volatile boolean cancelAccepted;
    /** The kernel's result: bytes transferred, or -errno. Written by the poller before dispatch. */
    long result;
    /** Set instead of {@link #result} when the operation never reached the kernel. */
    Throwable failure;
    /** For a read through library memory: the caller's buffers, filled in order from {@link #bounce} on completion. */
    private MemorySegment[] copyOutTo;
    private MemorySegment bounce;

    /** @param buffer the memory the kernel reads or writes: the caller's, or library memory (see readThrough) */
    Operation(EngineFile file, short opcode, MemorySegment buffer, long position, byte resultType) {
        this(file, opcode, buffer, buffer == null ? 0 : buffer.address(), buffer == null ? 0 : buffer.byteSize(),
                position, resultType);
    }

    Operation(EngineFile file, short opcode, Object keepAlive, long address, long length, long position,
            byte resultType) {
        this.file = file;
        this.opcode = opcode;
        this.buffer = keepAlive;
        this.address = address;
        this.length = length;
        this.position = position;
        this.resultType = resultType;
    }

    /** Makes this read land in {@code bounce} (library memory) and be copied into {@code targets} on completion. */
    void readThrough(MemorySegment bounce, MemorySegment... targets) {
        this.bounce = bounce;
        this.copyOutTo = targets;
    }

    /** Completes the stage from {@link #result}; runs on the completion executor or the poller. */
    @Override
    @SuppressWarnings("unchecked")
    public void run() {
        if (copyOutTo != null && failure == null && result > 0) {
            try {
                long copied = 0;
                for (int i = 0; i < copyOutTo.length && copied < result; i++) {
                    long n = Math.min(copyOutTo[i].byteSize(), result - copied);
                    MemorySegment.copy(bounce, copied, copyOutTo[i], 0, n);
                    copied += n;
                }
            } catch (RuntimeException closed) { // IllegalStateException: closed; WrongThreadException: confined
                failure = new AioClosedException(describe() + " completed, but the arena of its buffer was closed"
                        + " before the data could be copied into it; the data was discarded and no memory was"
                        + " corrupted (see CloseableArenaBuffers)");
            }
        }
        copyOutTo = null;
        bounce = null;
        resumeOn = null; // a stage kept by the caller must not keep the caller's context alive
        if (failure != null) {
            completeExceptionally(failure);
        } else if (result == -Errno.ECANCELED || (cancelAccepted && opcode == KernelAbi.IOCB_CMD_POLL && result == 0)) {
            completeExceptionally(new CancellationException(describe() + " was cancelled by io_cancel"));
        } else if (result < 0) {
            completeExceptionally(Failures.completion(this, (int) -result));
        } else if (resultType == NO_RESULT) {
            complete(null);
        } else if (resultType == INT_RESULT) {
            complete((T) TransferCounts.of((int) result));
        } else {
            complete((T) Long.valueOf(result));
        }
    }

    void failClosed(String what) {
        completeExceptionally(closed(this, what));
    }

    static AioClosedException closed(Operation<?> op, String what) {
        return new AioClosedException(op.describe() + " was refused: " + what);
    }

    /** For messages: "read of 4096 bytes at position 8192 of /data/f". */
    String describe() {
        return switch (opcode) {
            case KernelAbi.IOCB_CMD_PREAD -> "read of " + length + " bytes at position " + position + " of " + file.path();
            case KernelAbi.IOCB_CMD_PWRITE -> "write of " + length + " bytes at position " + position + " of " + file.path();
            case KernelAbi.IOCB_CMD_FSYNC -> "fsync of " + file.path();
            case KernelAbi.IOCB_CMD_FDSYNC -> "fdatasync of " + file.path();
            case KernelAbi.IOCB_CMD_POLL -> "poll of descriptor " + file.fd + " for events 0x" + Long.toHexString(address);
            case KernelAbi.IOCB_CMD_PREADV -> "vectored read into " + length + " buffers at position " + position
                    + " of " + file.path();
            case KernelAbi.IOCB_CMD_PWRITEV -> "vectored write of " + length + " buffers at position " + position
                    + " of " + file.path();
            default -> "operation " + opcode + " on " + file.path();
        };
    }
}
