package io.quarkiverse.aio.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.jboss.logging.Logger;

import io.quarkiverse.aio.AioClosedException;
import io.quarkiverse.aio.internal.linux.KernelAbi;

/**
 * Opening and closing. close() refuses new work, fails what waits in Java (it never reached the kernel), cancels
 * polls and wakes the poller; the poller keeps collecting until nothing is in the kernel. After the shutdown timeout
 * it hands what remains to io_cancel and, a short grace later, tears down: io_destroy (which waits for the kernel to
 * finish what it still holds), then the stages that never got their completion fail, the files close and the native
 * memory is freed. The teardown runs once, on the current poller, or on the closer when no poller ever started.
 */
final class Lifecycle {

    private static final Logger LOG = Logger.getLogger(Lifecycle.class);
    private static final int OPEN = 0, CLOSING = 1, CLOSED = 2;
    private static final int POLLER_NOT_STARTED = 0, POLLER_RUNNING = 1, POLLER_DONE = 2;
    /** After io_cancel at the deadline: how long to collect what the kernel answers before io_destroy. */
    private static final long CANCEL_GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final AioEngine engine;
    private final Duration shutdownTimeout;
    private volatile int state = OPEN;
    private final AtomicInteger pollerPhase = new AtomicInteger(POLLER_NOT_STARTED);
    private final AtomicBoolean tornDown = new AtomicBoolean();
    private final CountDownLatch terminated = new CountDownLatch(1);
    private long deadline;
    private boolean cancelledAtDeadline;
    private volatile Thread teardownThread;
    /** Completed at the end of the teardown. */
    private final CompletableFuture<Void> closed = new CompletableFuture<>();

    CompletionStage<Void> closed() {
        return closed.minimalCompletionStage();
    }

    Lifecycle(AioEngine engine, Duration shutdownTimeout) {
        this.engine = engine;
        this.shutdownTimeout = shutdownTimeout;
    }

    boolean isOpen() {
        return state == OPEN;
    }

    String describe() {
        return state == OPEN ? "open" : state == CLOSING ? "closing" : "closed";
    }

    /** Whether the poller may still run (it has not stopped). */
    boolean pollerRunning() {
        return pollerPhase.get() != POLLER_DONE && terminated.getCount() > 0;
    }

    /**
     * Claims the first poller's run: true for the one thread that starts it, the poller executor's, or the closer's
     * when close() comes first (it then collects what is in flight itself before tearing down).
     */
    boolean claimFirstPoller() {
        return pollerPhase.compareAndSet(POLLER_NOT_STARTED, POLLER_RUNNING);
    }

    /** The poller failed on its own: nothing will collect completions any more. */
    void pollerFailed() {
        beginClosing();
    }

    void close() {
        if (beginClosing()) {
            for (OperationStage<?> op : engine.pending.removeAll()) {
                engine.completer.failUnsubmitted(op, "the AIO context was closed before it could be submitted");
            }
            cancelInKernel(true);
            engine.wakePoller();
            if (claimFirstPoller()) {
                engine.poller.drive(); // its executor has not started it yet: collect here, then tear down
            }
        }
        Thread current = Thread.currentThread();
        if (engine.isPollerThread(current) || current == teardownThread) {
            return; // from a callback: the poller finishes the work after it returns
        }
        try {
            long waitMillis = shutdownTimeout.toMillis() + TimeUnit.NANOSECONDS.toMillis(CANCEL_GRACE_NANOS) + 5_000;
            if (!terminated.await(waitMillis, TimeUnit.MILLISECONDS)) {
                LOG.errorf("The AIO context did not finish closing within %d ms: the kernel still holds operations"
                        + " (io_destroy waits for them) or a completion callback blocks the poller", waitMillis);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean beginClosing() {
        synchronized (this) {
            if (state != OPEN) {
                return false;
            }
            deadline = System.nanoTime() + shutdownTimeout.toNanos();
            state = CLOSING;
            return true;
        }
    }

    /**
     * Asked by the idle poller while closing: whether it may stop and tear down. Yes when nothing is in the kernel
     * and every accepted operation is finished (one whose completion another thread took may still be on its way,
     * or handed over to its waiting submitter, or queued for a retry without NOWAIT);
     * at the deadline, what remains is handed to io_cancel, and after a short grace the answer is yes anyway.
     */
    boolean mayStopPolling() {
        if (engine.slots.inUse() == 0 && engine.statistics.unfinished() == 0) {
            return true;
        }
        long now = System.nanoTime();
        if (now - deadline < 0) {
            return false;
        }
        if (!cancelledAtDeadline) {
            cancelledAtDeadline = true;
            LOG.warnf("%d AIO operations were still in the kernel %s after close(); cancelling what can be",
                    engine.slots.inUse(), shutdownTimeout);
            cancelInKernel(false);
        }
        return now - deadline > CANCEL_GRACE_NANOS;
    }

    /**
     * Completions other threads took from the ring before io_destroy are finished by them, within microseconds (or by
     * their waiting submitters, whom the kernel signalled): close() returns after them.
     */
    private void awaitTakenCompletions() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        while (engine.statistics.unfinished() > 0 && System.nanoTime() - deadline < 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(100));
        }
    }

    /** io_cancel on the operations in the kernel: the polls only, or all of them. */
    private void cancelInKernel(boolean pollsOnly) {
        for (int slot = 0; slot < engine.slots.depth; slot++) {
            OperationStage<?> op = engine.slots.op(slot);
            if (op != null && (!pollsOnly || op.opcode == KernelAbi.IOCB_CMD_POLL)) {
                engine.cancelInKernel(op);
            }
        }
    }

    /** Runs once: on the current poller after its loop, or on the closer when no poller ever started. */
    void teardown() {
        if (!tornDown.compareAndSet(false, true)) {
            return;
        }
        teardownThread = Thread.currentThread();
        beginClosing();
        pollerPhase.set(POLLER_DONE);
        engine.guard.stop();
        for (OperationStage<?> op : engine.pending.removeAll()) {
            engine.completer.failUnsubmitted(op, "the AIO completion poller stopped");
        }
        engine.kernel.shut(); // waits for a submitter still inside io_submit, which may just have completed its I/O
        engine.completer.completeRemaining(); // results already in the ring are kept, not lost with the context
        engine.kernel.destroy(); // waits for every operation still in the kernel
        List<OperationStage<?>> unreaped = new ArrayList<>();
        for (int slot = 0; slot < engine.slots.depth; slot++) {
            OperationStage<?> op = engine.slots.unbind(slot);
            if (op != null) {
                unreaped.add(op);
            }
        }
        for (OperationStage<?> op : unreaped) {
            op.failure = new AioClosedException(op.describe() + " was still in the kernel when the AIO context was"
                    + " destroyed, " + shutdownTimeout + " (the shutdown timeout) after close(); the kernel finished"
                    + " it, but its result was lost with the context: it may or may not have taken effect");
            engine.completer.finishWithoutKernel(op);
        }
        awaitTakenCompletions();
        engine.closeFiles();
        engine.freeNativeMemory();
        state = CLOSED;
        terminated.countDown();
        closed.complete(null);
    }
}
