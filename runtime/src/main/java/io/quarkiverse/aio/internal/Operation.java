package io.quarkiverse.aio.internal;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.CompletableFuture;

import io.quarkiverse.aio.AioClosedException;
import io.quarkiverse.aio.internal.linux.KernelAbi;

/**
 * One request and the stage returned for it. Being both keeps the hot path to one allocation per operation: the
 * request waits in the submission queue as itself, and once the kernel has answered it is handed to the completion
 * executor as the {@link Runnable} that completes it.
 */
final class Operation<T> extends CompletableFuture<T> implements Runnable {

    final EngineFile file;
    final short opcode;
    final long address;
    final long length;
    final long position;
    /** Keeps the buffer's memory reachable (so an automatic arena cannot free it) until the kernel is done. */
    MemorySegment buffer;
    /** The kernel's result: bytes transferred, or -errno. Written by the poller before dispatch. */
    long result;
    /** Set instead of {@link #result} when the operation never reached the kernel. */
    Throwable failure;
    /** For a read through library memory: the caller's buffer, filled from {@link #bounce} on completion. */
    private MemorySegment copyOutTo;
    private MemorySegment bounce;

    /** @param buffer the memory the kernel reads or writes: the caller's, or library memory (see readThrough) */
    Operation(EngineFile file, short opcode, MemorySegment buffer, long position) {
        this.file = file;
        this.opcode = opcode;
        this.buffer = buffer;
        this.address = buffer == null ? 0 : buffer.address();
        this.length = buffer == null ? 0 : buffer.byteSize();
        this.position = position;
    }

    /** Makes this read land in {@code bounce} (library memory) and be copied into {@code target} on completion. */
    void readThrough(MemorySegment bounce, MemorySegment target) {
        this.bounce = bounce;
        this.copyOutTo = target;
    }

    /** Completes the stage from {@link #result}; runs on the completion executor or the poller. */
    @Override
    @SuppressWarnings("unchecked")
    public void run() {
        if (copyOutTo != null && failure == null && result > 0) {
            try {
                MemorySegment.copy(bounce, 0, copyOutTo, 0, result);
            } catch (IllegalStateException closed) {
                failure = new AioClosedException(describe() + " completed, but the arena of its buffer was closed"
                        + " before the data could be copied into it; the data was discarded and no memory was"
                        + " corrupted (see CloseableArenaBuffers)");
            }
        }
        copyOutTo = null;
        bounce = null;
        if (failure != null) {
            completeExceptionally(failure);
        } else if (result < 0) {
            completeExceptionally(Failures.completion(this, (int) -result));
        } else if (opcode == KernelAbi.IOCB_CMD_FSYNC) {
            complete(null);
        } else {
            complete((T) TransferCounts.of((int) result));
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
            default -> "operation " + opcode + " on " + file.path();
        };
    }
}
