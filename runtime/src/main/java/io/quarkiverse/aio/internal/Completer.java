package io.quarkiverse.aio.internal;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.Executor;

import org.jboss.logging.Logger;

import io.quarkiverse.aio.AioClosedException;
import io.quarkiverse.aio.AioContext.CompletionObserver;
import io.quarkiverse.aio.RwFlags;
import io.quarkiverse.aio.internal.linux.Errno;

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
     * @param poller the poller calling, whose callbacks the stall guard watches; null for a helping caller
     * @return how many were finished
     */
    int completeAvailable(CompletionPoller poller) {
        KernelContext kernel = engine.kernel;
        CompletionSource source = engine.source;
        int finished = 0;
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
                Thread.onSpinWait();
            } else if (slot >= 0) {
                complete(slot, poller);
                finished++;
                if (poller != null && !poller.isCurrent()) {
                    return finished; // replaced while in a callback: the new poller goes on
                }
            }
        }
    }

    private void complete(int slot, CompletionPoller poller) {
        long result = slots.result(slot);
        OperationStage<?> op = slots.unbind(slot);
        if (op == null) {
            LOG.errorf("Ignored a completion for slot %d, which holds no operation (a bug)", slot);
            return;
        }
        boolean freed = slots.letGo(slot);
        if (freed && !engine.pending.isEmpty()) {
            engine.submitter.drainPending(); // first put the next operation into the kernel
        }
        if (result == -Errno.EAGAIN && (op.rwFlags & RWF_NOWAIT) != 0 && !op.cancelled) {
            engine.submitter.retryWithoutNowait(op); // not complete yet: keeps its file and buffers
            return;
        }
        op.result = result;
        finish(op, poller);
    }

    /** Fails an operation that never reached the kernel because the context is closing. */
    void failUnsubmitted(OperationStage<?> op, String why) {
        op.failure = new AioClosedException(op.describe() + " was refused: " + why);
        finishWithoutKernel(op);
    }

    /** Finishes, with its {@link OperationStage#failure}, an operation the kernel will not complete. */
    void finishWithoutKernel(OperationStage<?> op) {
        finish(op, null);
        if (op.signalsWaiter) {
            op.waiter.eventFd.signal(); // its submitter may be waiting on the eventfd the kernel will not signal
        }
    }

    private void finish(OperationStage<?> op, CompletionPoller poller) {
        if (op.block != null) {
            if (op.copyTo != null && op.failure == null && !op.cancelled && op.result > 0) {
                copyOut(op);
            }
            engine.memory.give(op.block);
            op.block = null;
        }
        op.copyTo = null;
        op.keepAlive = null;
        boolean failed = op.failure != null || op.result < 0 || op.cancelled;
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
        op.file.release();
        if (op.signalsWaiter && !op.awaited) {
            op.waiter.noteNotWaiting(); // it completed and its submitter was not waiting for it
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
