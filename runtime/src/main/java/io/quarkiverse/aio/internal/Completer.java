package io.quarkiverse.aio.internal;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.Executor;

import org.jboss.logging.Logger;

import io.quarkiverse.aio.AioClosedException;
import io.quarkiverse.aio.AioContext.CompletionObserver;
import io.quarkiverse.aio.RwFlags;
import io.quarkiverse.aio.internal.linux.Errno;
import io.quarkiverse.aio.internal.linux.KernelAbi;

/**
 * Finishes operations: takes completions from the source and, for each, frees its slot, returns its library memory,
 * copies a read through library memory into the caller's buffer, releases its file and completes its stage. A stage
 * completes on the thread that took the completion (the poller, or a caller helping while it waits), unless the
 * operation asked for its caller's context or the context has a completion executor. Runs on any of those threads.
 */
final class Completer {

    private static final Logger LOG = Logger.getLogger(Completer.class);
    private static final int RWF_NOWAIT = RwFlags.NOWAIT.bits();

    private final AioEngine engine;
    private final SlotTable slots;
    private final Executor completionExecutor;
    volatile CompletionObserver observer;

    Completer(AioEngine engine, Executor completionExecutor) {
        this.engine = engine;
        this.slots = engine.slots;
        this.completionExecutor = completionExecutor;
    }

    /**
     * Takes and finishes every completion there is, one at a time.
     *
     * @param poller the poller calling, whose callbacks the stall guard watches
     * @return how many were finished
     */
    int completeAvailable(CompletionPoller poller) {
        return completeAvailable(poller, null);
    }

    /**
     * For the teardown, once the kernel context is shut to everyone else and before io_destroy: finishes what the
     * source still holds (the gate refuses even the teardown now, so this reads without it).
     */
    void completeRemaining() {
        if (!engine.kernel.lastUse()) {
            return;
        }
        CompletionSource source = engine.source;
        for (int slot = source.takeRemaining(slots); slot != CompletionSource.EMPTY; slot = source.takeRemaining(slots)) {
            if (slot >= 0) {
                complete(slot & ~CompletionSource.HANDED_OVER, (slot & CompletionSource.HANDED_OVER) != 0, null);
            }
        }
    }

    /**
     * Takes and finishes completions, one at a time, until there are none or {@code until} is complete: a waiting
     * caller stops at its own operation and leaves the others to the threads the kernel signalled for them.
     */
    int completeAvailable(CompletionPoller poller, OperationStage<?> until) {
        KernelContext kernel = engine.kernel;
        CompletionSource source = engine.source;
        int finished = 0;
        int busy = 0;
        for (;;) {
            if (!kernel.enter()) {
                return finished;
            }
            int slot;
            try {
                slot = source.take(slots);
            } finally {
                kernel.exit();
            }
            if (slot == CompletionSource.EMPTY) {
                return finished;
            } else if (slot == CompletionSource.BUSY) {
                if ((++busy & 63) == 0) {
                    Thread.yield(); // the holder may have been descheduled inside its few instructions
                } else {
                    Thread.onSpinWait();
                }
            } else if (slot >= 0) {
                complete(slot & ~CompletionSource.HANDED_OVER, (slot & CompletionSource.HANDED_OVER) != 0, poller);
                finished++;
                if (until != null && until.isDone()) {
                    return finished;
                }
                if (poller != null && !poller.isCurrent()) {
                    return finished; // replaced while in a callback: the new poller goes on
                }
            }
        }
    }

    private void complete(int slot, boolean handedOver, CompletionPoller poller) {
        long result = slots.result(slot);
        OperationStage<?> op = slots.takenOp(slot);
        if (op == null) {
            LOG.errorf("Ignored a completion for slot %d, which holds no operation (a bug)", slot);
            return;
        }
        boolean freed = slots.letGo(slot);
        if (freed && !engine.pending.isEmpty()) {
            engine.submitter.drainPending(); // first put the next operation into the kernel
        }
        if (handedOver) {
            return; // its submitter finishes it
        }
        if (needsRetry(op, result)) {
            engine.submitter.retryWithoutNowait(op); // not complete yet: keeps its file and buffers
            return;
        }
        op.result = result;
        finish(op, poller);
    }

    /** RWF_NOWAIT met EAGAIN in the kernel: the operation is submitted again without the flag. */
    private static boolean needsRetry(OperationStage<?> op, long result) {
        return result == -Errno.EAGAIN && (op.rwFlags & RWF_NOWAIT) != 0 && !op.cancelled();
    }

    /**
     * Called by a completion source under its lock, for the completion of {@code op} taken by this thread. When the
     * operation's submitter waits for it on its own eventfd, the result is handed over and the submitter finishes the
     * operation itself: the kernel has signalled its eventfd already, so that costs no system call. When the
     * submitter does not wait, this thread will finish it, and the submitter is told not to expect its next
     * operations to signal it.
     *
     * @return true when handed over
     */
    static boolean handOver(OperationStage<?> op, long result) {
        if (op == null || !op.signalsWaiter || op.waiter.thread == Thread.currentThread() || needsRetry(op, result)) {
            return false;
        }
        op.result = result;
        for (;;) {
            if (op.changeWaitState(OperationStage.AWAITED, OperationStage.DELIVERED)) {
                return true;
            }
            if (op.changeWaitState(OperationStage.NOT_AWAITED, OperationStage.TAKEN)) {
                if (op.waiter.awaiting == 0) {
                    op.waiter.noteNotWaiting(); // it completed and its submitter was not waiting for anything
                }
                return false;
            }
        }
    }

    /** The submitter finishes an operation whose result another thread handed over to it. */
    void finishDelivered(OperationStage<?> op) {
        finish(op, null);
    }

    /** Fails an operation that never reached the kernel because the context is closing. */
    void failUnsubmitted(OperationStage<?> op, String why) {
        op.failure = new AioClosedException(op.describe() + " was refused: " + why);
        finishWithoutKernel(op);
    }

    /** Finishes, with its {@link OperationStage#failure}, an operation the kernel will not complete. */
    void finishWithoutKernel(OperationStage<?> op) {
        boolean awaited = op.signalsWaiter && op.takeWaitState() == OperationStage.AWAITED;
        finish(op, null);
        if (awaited) {
            op.waiter.eventFd.signal(); // its submitter waits on an eventfd the kernel will not signal
        }
    }

    private void finish(OperationStage<?> op, CompletionPoller poller) {
        if (op.block != null) {
            if (op.copyTo != null && op.failure == null && !op.cancelled() && op.result > 0) {
                copyOut(op);
            }
            engine.memory.give(op.block);
            op.block = null;
        }
        op.copyTo = null;
        boolean failed = op.failure != null || op.result < 0 || op.cancelled();
        try {
            CompletionObserver observer = this.observer;
            if (observer != null && op.submittedNanos != 0) {
                long now = System.nanoTime();
                long entered = op.inKernelNanos != 0 ? op.inKernelNanos : now;
                observer.completed(entered - op.submittedNanos, now - op.submittedNanos, failed);
            }
        } catch (Throwable e) { // an observer's failure must not leave the stage incomplete
            LOG.error("The AIO completion observer failed", e);
        }
        engine.statistics.completed.increment();
        if (failed) {
            engine.statistics.failed.increment();
        }
        short opcode = op.opcode;
        op.file.counters.finished(opcode == KernelAbi.IOCB_CMD_PREAD || opcode == KernelAbi.IOCB_CMD_PREADV,
                opcode == KernelAbi.IOCB_CMD_PWRITE || opcode == KernelAbi.IOCB_CMD_PWRITEV,
                opcode == KernelAbi.IOCB_CMD_FSYNC || opcode == KernelAbi.IOCB_CMD_FDSYNC, op.result, failed);
        op.file.release();
        if (op.signalsWaiter) {
            op.waiter.inFlight.decrementAndGet();
        }
        dispatch(op, poller);
    }

    /** A read through library memory: the data goes into the caller's buffers, in order. */
    private static void copyOut(OperationStage<?> op) {
        MemorySegment[] targets = op.copyTo;
        try {
            long copied = 0;
            for (int i = 0; i < targets.length && copied < op.result; i++) {
                long n = Math.min(targets[i].byteSize(), op.result - copied);
                MemorySegment.copy(op.block.segment, copied, targets[i], 0, n);
                copied += n;
            }
        } catch (RuntimeException closed) { // IllegalStateException: closed; WrongThreadException: confined
            op.failure = new AioClosedException(op.describe() + " completed, but the arena of its buffer was closed"
                    + " before the data could be copied into it; the data was discarded and no memory was"
                    + " corrupted (see CloseableArenaBuffers)");
        }
    }

    private void dispatch(OperationStage<?> op, CompletionPoller poller) {
        Executor executor = op.resumeOn != null ? op.resumeOn : completionExecutor;
        if (executor != null) {
            try {
                executor.execute(op);
                return;
            } catch (RuntimeException rejected) {
                // shutting down (or broken): completing here beats never completing
            }
        }
        if (poller != null) {
            poller.runCallback(op);
        } else {
            op.run();
        }
    }
}
