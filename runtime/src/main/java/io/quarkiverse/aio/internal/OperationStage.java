package io.quarkiverse.aio.internal;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.quarkiverse.aio.internal.linux.Errno;
import io.quarkiverse.aio.internal.linux.KernelAbi;

/**
 * One request, and the stage the caller receives for it: the only object allocated per operation. The engine keeps
 * its own state of the operation (its slot, its buffers, its file reference) apart from the stage's completion, so a
 * caller who completes or obtrudes the stage changes only what the caller sees: the kernel's operation and its
 * buffers are untouched. {@link #cancel} goes to {@link AioEngine#cancel}, and the waiting methods let a platform
 * thread be woken by the kernel itself (see {@link CallerWaits}).
 */
final class OperationStage<T> extends CompletableFuture<T> implements Runnable {

    /** What the stage completes with. */
    static final byte NO_RESULT = 0, INT_RESULT = 1, LONG_RESULT = 2;

    final EngineFile file;
    final short opcode;
    private final byte resultType;
    /** aio_buf and aio_nbytes: a buffer and its length, or (vectored) an iovec array and its count. */
    long address;
    long length;
    final long position;
    /** aio_rw_flags (RWF_*); NOWAIT is dropped when the operation is retried after an EAGAIN. */
    int rwFlags;
    /**
     * Caller memory the kernel uses directly, kept reachable (an automatic arena cannot free it) until the stage
     * completes.
     */
    Object keepAlive;
    /** Library memory the kernel uses (a copy of the caller's data, or an iovec array), returned at completion. */
    LibraryMemory.Block block;
    /** A ByteBuffer whose position moves by the bytes transferred when the stage completes, or null. */
    ByteBuffer advance;
    /** For a read through library memory: the caller's buffers, filled in order from {@link #block} at completion. */
    MemorySegment[] copyTo;
    /** Where the stage completes when the caller asked for its own context (a Vert.x event loop), else null. */
    Executor resumeOn;
    /** For the observer: when it was submitted, and when it entered the kernel (System.nanoTime), or 0. */
    long submittedNanos, inKernelNanos;
    /** The submitting platform thread's wait state, or null (virtual threads, event loops, the poller). */
    CallerWaits.Waiter waiter;
    /** Whether the kernel signals {@link #waiter}'s eventfd at completion rather than the poller's. */
    boolean signalsWaiter;
    /** Who finishes an operation that signals its waiter: see {@link CallerWaits}. */
    static final int NOT_AWAITED = 0, AWAITED = 1, TAKEN = 2, DELIVERED = 3;
    private static final java.lang.invoke.VarHandle WAIT_STATE;

    static {
        try {
            WAIT_STATE = java.lang.invoke.MethodHandles.lookup().findVarHandle(OperationStage.class, "waitState",
                    int.class);
            CANCEL_STATE = java.lang.invoke.MethodHandles.lookup().findVarHandle(OperationStage.class,
                    "cancelState", int.class);
            VIRTUAL_WAITER = java.lang.invoke.MethodHandles.lookup().findVarHandle(OperationStage.class,
                    "virtualWaiter", Thread.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // through WAIT_STATE
    private volatile int waitState;
    /** The slot it holds in the ring, or -1. */
    volatile int slot = -1;
    /**
     * Whether io_cancel was asked to cancel the operation, and what it answered: an accepted cancel makes the stage
     * fail with CancellationException whatever the completion says, and a completion taken while io_cancel is still
     * being answered waits for the answer, so that cancel() returns true exactly when the stage is cancelled.
     */
    static final int NOT_CANCELLING = 0, CANCELLING = 1, CANCELLED = 2, NOT_CANCELLED = 3;
    private static final java.lang.invoke.VarHandle CANCEL_STATE;

    @SuppressWarnings("unused") // through CANCEL_STATE
    private volatile int cancelState;
    /** A virtual thread waiting for this stage with a timeout (see {@link VirtualWaits}): unparked at completion. */
    private volatile Thread virtualWaiter;
    private static final java.lang.invoke.VarHandle VIRTUAL_WAITER;
    /** The kernel's result: bytes transferred, or -errno. */
    long result;
    /** Set instead of {@link #result} when the operation did not complete in the kernel. */
    Throwable failure;

    /** @param buffer the memory the kernel reads or writes */
    OperationStage(EngineFile file, short opcode, MemorySegment buffer, long position, byte resultType) {
        this(file, opcode, position, resultType);
        if (buffer != null) {
            this.keepAlive = buffer;
            this.address = buffer.address();
            this.length = buffer.byteSize();
        }
    }

    OperationStage(EngineFile file, short opcode, long position, byte resultType) {
        this.file = file;
        this.opcode = opcode;
        this.position = position;
        this.resultType = resultType;
    }

    int waitState() {
        return waitState;
    }

    boolean changeWaitState(int from, int to) {
        return WAIT_STATE.compareAndSet(this, from, to);
    }

    int takeWaitState() {
        return (int) WAIT_STATE.getAndSet(this, TAKEN);
    }

    /** Starts a cancel; false when one was already asked. */
    boolean beginCancel() {
        return CANCEL_STATE.compareAndSet(this, NOT_CANCELLING, CANCELLING);
    }

    void endCancel(boolean accepted) {
        cancelState = accepted ? CANCELLED : NOT_CANCELLED;
    }

    /** Whether an accepted cancel decides the outcome; waits while io_cancel is being answered (microseconds). */
    boolean cancelled() {
        int state = cancelState;
        for (int spins = 0; state == CANCELLING; spins++) {
            if ((spins & 63) == 63) {
                Thread.yield();
            } else {
                Thread.onSpinWait();
            }
            state = cancelState;
        }
        return state == CANCELLED;
    }

    /** Completes the stage from {@link #result} or {@link #failure}; runs where the engine dispatches it. */
    @Override
    @SuppressWarnings("unchecked")
    public void run() {
        resumeOn = null; // a stage kept by the caller must not keep the caller's context alive
        keepAlive = null; // the caller's buffers, reachable through the operation until its stage completes
        if (advance != null) {
            if (failure == null && result > 0 && !cancelled()) {
                advance.position(advance.position() + (int) result);
            }
            advance = null;
        }
        if (failure != null) {
            completeExceptionally(failure);
        } else if (cancelled() || result == -Errno.ECANCELED) {
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

    /** Asks the engine to cancel the operation; true only when the stage will fail with CancellationException. */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        return file.engine().cancel(this);
    }

    @Override
    public T get() throws InterruptedException, ExecutionException {
        if (!isDone() && waitedOnByThisThread()) {
            file.engine().callerWaits().await(this, -1, true);
        }
        return super.get();
    }

    @Override
    public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        if (!isDone()) {
            long nanos = Math.max(0, unit.toNanos(timeout));
            Thread current = Thread.currentThread();
            if (waitedOnByThisThread()) {
                if (!file.engine().callerWaits().await(this, nanos, true)) {
                    throw new TimeoutException(describe() + " did not complete within " + timeout + " " + unit);
                }
            } else if (current.isVirtual() && nanos >= VirtualWaits.SHORTEST_NANOS
                    && VIRTUAL_WAITER.compareAndSet(this, null, current)) {
                VirtualWaits.Outcome outcome;
                try {
                    outcome = VirtualWaits.await(this, nanos);
                } finally {
                    virtualWaiter = null;
                }
                if (outcome == VirtualWaits.Outcome.TIMED_OUT) {
                    throw new TimeoutException(describe() + " did not complete within " + timeout + " " + unit);
                }
            } // else short, or another virtual thread waits already, or no watchdog: the JDK's way below
        }
        return super.get(timeout, unit);
    }

    // Every way the stage is completed from outside CompletableFuture: the virtual thread waiting for it wakes.

    @Override
    public boolean complete(T value) {
        boolean completed = super.complete(value);
        wakeVirtualWaiter();
        return completed;
    }

    @Override
    public boolean completeExceptionally(Throwable failure) {
        boolean completed = super.completeExceptionally(failure);
        wakeVirtualWaiter();
        return completed;
    }

    @Override
    public void obtrudeValue(T value) {
        super.obtrudeValue(value);
        wakeVirtualWaiter();
    }

    @Override
    public void obtrudeException(Throwable failure) {
        super.obtrudeException(failure);
        wakeVirtualWaiter();
    }

    @Override
    public CompletableFuture<T> completeAsync(java.util.function.Supplier<? extends T> supplier, Executor executor) {
        java.util.Objects.requireNonNull(supplier);
        executor.execute(() -> { // as CompletableFuture's own, but through complete(), which wakes the waiter
            try {
                complete(supplier.get());
            } catch (Throwable e) {
                completeExceptionally(e);
            }
        });
        return this;
    }

    @Override
    public CompletableFuture<T> completeAsync(java.util.function.Supplier<? extends T> supplier) {
        return completeAsync(supplier, defaultExecutor());
    }

    private void wakeVirtualWaiter() {
        Thread waiter = virtualWaiter;
        if (waiter != null) {
            java.util.concurrent.locks.LockSupport.unpark(waiter);
        }
    }

    @Override
    public T join() {
        if (!isDone() && waitedOnByThisThread()) {
            try {
                file.engine().callerWaits().await(this, -1, false);
            } catch (InterruptedException cannotHappen) {
                Thread.currentThread().interrupt();
            }
        }
        return super.join();
    }

    /** Whether the thread asking is the platform thread that submitted this operation. */
    private boolean waitedOnByThisThread() {
        CallerWaits.Waiter w = waiter;
        return w != null && w.thread == Thread.currentThread();
    }

    /**
     * Every dependent stage (thenApply, whenComplete...) is created here: a dependent attached to an operation that
     * signals its submitter means the submitter is not going to wait for it.
     */
    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        if (signalsWaiter && !isDone()) {
            waiter.noteNotWaiting();
        }
        return new CompletableFuture<>();
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
