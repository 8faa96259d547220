package io.quarkiverse.aio.internal;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;

import io.quarkiverse.aio.AioException;
import io.quarkiverse.aio.AioQueueFullException;
import io.quarkiverse.aio.RwFlags;
import io.quarkiverse.aio.internal.linux.Errno;
import io.quarkiverse.aio.internal.linux.LibC;

/**
 * Puts accepted operations into the kernel: straight into a free slot with one {@code io_submit} on the caller's
 * thread, into the poller's batch when the poller itself submits and batching pays, or into the pending queue when
 * the ring is full. Whoever frees a slot moves queued operations in. EAGAIN from a full kernel puts an operation back
 * in front of the queue, to be retried after the next completion (or shortly, when nothing is in the kernel); an
 * RWF_NOWAIT operation that would block is retried without the flag on the blocking executor.
 * <p>
 * No lock is taken when a slot is free: a slot is one compare-and-set on the free stack.
 */
final class Submitter {

    private static final int RWF_NOWAIT = RwFlags.NOWAIT.bits();
    /**
     * How many operations a gathering poller sends with one {@code io_submit}. Two halve its system calls. Whole
     * rounds of completions (up to the queue depth) were worse on every count measured here (2026-12-07, QD32 4 KiB
     * O_DIRECT reads, 6 interleaved rounds against ActiveMQ Artemis): 0.85x its IOPS at 1.01x its CPU per I/O,
     * against 1.08-1.11x at 0.84x with two. The kernel spent more CPU per iocb in the large calls, and operations held
     * back for a whole round left the device idle meanwhile.
     */
    static final int GATHERED = 2;
    /** EAGAIN with nothing of ours in the kernel is not a full ring: give up after this many retries (about 1 s). */
    private static final int MAX_IDLE_EAGAIN_RETRIES = 1000;

    private final AioEngine engine;
    private final SlotTable slots;
    private final KernelContext kernel;
    private final PendingQueue pending;
    private final Executor blockingExecutor;
    /** The resfd of operations nobody waits for in person: the poller's eventfd, the user's, or -1. */
    private final int defaultResfd;
    private volatile int idleEagainRetries;
    /** Submission batches of AioBatch.submit, kept for the next one (freed with the context). */
    final ArrayBlockingQueue<SubmitBatch> batches = new ArrayBlockingQueue<>(2);

    Submitter(AioEngine engine, int defaultResfd, Executor blockingExecutor) {
        this.engine = engine;
        this.slots = engine.slots;
        this.kernel = engine.kernel;
        this.pending = engine.pending;
        this.defaultResfd = defaultResfd;
        this.blockingExecutor = blockingExecutor;
    }

    /** Submits an accepted operation (one that holds a reference to its file). */
    void submit(OperationStage<?> op) {
        submit(op, false);
    }

    /** @param admitted the operation was accepted before (a retry): it may wait past max-queued */
    private void submit(OperationStage<?> op, boolean admitted) {
        if (!engine.lifecycle.isOpen()) {
            engine.completer.failUnsubmitted(op, "the AIO context is closed");
            return;
        }
        if (pending.isEmpty()) {
            int slot = slots.take();
            if (slot >= 0) {
                start(slot, op);
                return;
            }
        }
        queue(op, admitted);
    }

    /** Queues an accepted operation the ring has no room for, or refuses a new one past max-queued. */
    private void queue(OperationStage<?> op, boolean admitted) {
        if (!admitted && !pending.hasRoom()) {
            op.failure = new AioQueueFullException(op.describe() + " was refused: "
                    + pending.size() + " operations already wait for room in the ring (quarkus.aio.max-queued = "
                    + pending.limit() + "); wait with AioContext.queueRoom(), or raise the limit");
            engine.completer.finishWithoutKernel(op);
            return;
        }
        pending.addLast(op);
        if (failIfClosedMeanwhile(op)) {
            return;
        }
        drainPending(); // a slot may have been freed after the look above: the freer may not have seen op yet
    }

    /**
     * Submits accepted operations in order: those that find a free slot (while nothing waits before them) together,
     * in one io_submit when they fit in the ring (continued after a partial submit), the rest into the queue behind.
     */
    void submitAll(List<OperationStage<?>> ops) {
        if (!engine.lifecycle.isOpen()) {
            ops.forEach(op -> engine.completer.failUnsubmitted(op, "the AIO context is closed"));
            return;
        }
        int i = 0;
        if (ops.size() > 1) {
            SubmitBatch batch = batches.poll();
            try {
                if (batch == null) {
                    batch = new SubmitBatch(engine);
                }
            } catch (AioException noMemory) {
                batch = null; // one io_submit each instead
            }
            if (batch != null) {
                try {
                    for (; i < ops.size() && pending.isEmpty(); i++) {
                        int slot = slots.take();
                        if (slot < 0) {
                            break;
                        }
                        OperationStage<?> op = ops.get(i);
                        slots.bind(slot, op);
                        if (op.submittedNanos != 0) {
                            op.inKernelNanos = System.nanoTime();
                        }
                        batch.add(slot, op, resfd(op));
                    }
                } finally {
                    batch.flush();
                    // Kept for the next batch; once closing, freed here (the teardown frees only what it finds queued).
                    if (!engine.lifecycle.isOpen() || !batches.offer(batch)) {
                        batch.free();
                    }
                }
            }
        }
        for (; i < ops.size(); i++) {
            submit(ops.get(i));
        }
    }

    /**
     * After queueing: when close() began meanwhile, its sweep of the queue may have come before this operation, so it
     * is taken back out and failed here (whoever removes it from the queue completes it).
     */
    private boolean failIfClosedMeanwhile(OperationStage<?> op) {
        if (engine.lifecycle.isOpen()) {
            return false;
        }
        if (pending.remove(op)) {
            engine.completer.failUnsubmitted(op, "the AIO context is closed");
        }
        return true;
    }

    /** Moves queued operations into free slots. Called by whoever frees a slot, and after queueing. */
    void drainPending() {
        while (!pending.isEmpty() && engine.lifecycle.isOpen()) {
            int slot = slots.take();
            if (slot < 0) {
                return;
            }
            OperationStage<?> op = pending.poll();
            if (op == null) {
                slots.letGo(slot);
                slots.letGo(slot);
                return;
            }
            start(slot, op);
        }
    }

    private void start(int slot, OperationStage<?> op) {
        slots.bind(slot, op);
        if (op.submittedNanos != 0) {
            op.inKernelNanos = System.nanoTime(); // before io_submit: the completion may be taken before it returns
        }
        CompletionPoller poller = engine.poller;
        if (poller != null && poller.thread == Thread.currentThread() && poller.batching() && !poller.batch.flushing) {
            poller.batch.add(slot, op, resfd(op));
            if (engine.poller != poller || poller.batch.size() >= GATHERED) {
                // Replaced meanwhile (the stall guard may have flushed before this was added), or enough gathered
                poller.batch.flush();
            }
        } else {
            submitOne(slot, op);
        }
    }

    int resfd(OperationStage<?> op) {
        return op.signalsWaiter ? op.waiter.eventFd.fd : defaultResfd;
    }

    private void submitOne(int slot, OperationStage<?> op) {
        if (!kernel.enter()) {
            refused(slot, op, -1);
            return;
        }
        long n;
        int errno;
        try {
            slots.writeIocb(slot, op, resfd(op));
            n = kernel.submitNoErrno(1, slots.pointerAddress(slot));
            errno = 0;
            if (n != 1) { // nothing was queued: ask again, this time keeping errno
                MemorySegment callState = slots.callState(slot);
                do {
                    n = kernel.submit(callState, 1, slots.pointerAddress(slot));
                    errno = n < 0 ? LibC.errno(callState) : 0;
                } while (errno == Errno.EINTR);
            }
        } finally {
            kernel.exit();
        }
        engine.statistics.ioSubmitCalls.increment();
        if (n == 1) {
            submitted(slot);
        } else {
            refused(slot, op, n == 0 ? Errno.EAGAIN : errno);
        }
    }

    /** io_submit took the operation of {@code slot}: the submitting thread lets go of the slot. */
    void submitted(int slot) {
        idleEagainRetries = 0;
        if (slots.letGo(slot)) {
            drainPending(); // completed and collected before io_submit even returned
        }
    }

    /**
     * io_submit did not take the operation of {@code slot} (errno, or -1: the context is closing). Frees the slot
     * and retries, queues or fails the operation.
     */
    void refused(int slot, OperationStage<?> op, int errno) {
        if (slots.unbind(slot) != op) {
            return; // the teardown took it and completes it
        }
        op.inKernelNanos = 0;
        slots.letGo(slot);
        slots.letGo(slot);
        if (errno == Errno.EAGAIN && (op.rwFlags & RWF_NOWAIT) != 0) {
            retryWithoutNowait(op);
        } else if (errno == Errno.EAGAIN && idleEagainRetries < MAX_IDLE_EAGAIN_RETRIES
                && engine.lifecycle.isOpen()) {
            requeue(op);
            return; // not drained now: the kernel is short of room, the next completion retries
        } else if (errno < 0) {
            engine.completer.failUnsubmitted(op, "the AIO context is closed");
        } else {
            op.failure = Failures.submit(op, errno);
            engine.completer.finishWithoutKernel(op);
        }
        drainPending();
    }

    /** EAGAIN: back in front of the queue, retried when a completion frees a slot, or soon if none will. */
    void requeue(List<OperationStage<?>> ops) {
        pending.addFirst(ops);
        for (OperationStage<?> op : ops) {
            failIfClosedMeanwhile(op);
        }
        if (slots.inUse() == 0) {
            idleEagainRetries++;
            engine.retrySoon(); // no completion will come to retry them
        }
    }

    private void requeue(OperationStage<?> op) {
        requeue(List.of(op));
    }

    /**
     * RWF_NOWAIT met EAGAIN: the kernel would have blocked. Submits the operation again without the flag, from the
     * blocking executor: there io_submit may block (a buffered read from disk), which must not happen on the poller
     * or on the caller, who asked not to wait.
     */
    void retryWithoutNowait(OperationStage<?> op) {
        op.rwFlags &= ~RWF_NOWAIT;
        op.result = 0;
        op.inKernelNanos = 0;
        engine.statistics.nowaitRetries.increment();
        try {
            blockingExecutor.execute(() -> resubmit(op));
        } catch (RuntimeException rejected) { // shutting down: still not on the poller
            Thread.ofPlatform().daemon(true).start(() -> resubmit(op));
        }
    }

    /**
     * A retry reached the kernel once already: while the context closes it still goes in when a slot is free (close()
     * waits for it), rather than being failed as if it had never been submitted.
     */
    private void resubmit(OperationStage<?> op) {
        if (engine.lifecycle.isOpen()) {
            submit(op, true);
            return;
        }
        int slot = slots.take();
        if (slot >= 0) {
            start(slot, op);
        } else {
            engine.completer.failUnsubmitted(op, "the AIO context closed before it could be retried without NOWAIT");
        }
    }
}
