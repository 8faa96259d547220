package io.quarkiverse.aio.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import org.jboss.logging.Logger;

import io.quarkiverse.aio.AioException;
import io.quarkiverse.aio.SubmitBatching;
import io.quarkiverse.aio.internal.linux.LibC;

/**
 * The completion poller: a loop that takes completions, finishes them (running their callbacks on this thread),
 * submits what those callbacks issued, and sleeps in the kernel when there is nothing to do. One poller is current at
 * a time; when a callback holds it too long, the {@link StallGuard} makes a new one current, and the old one stops as
 * soon as its callback returns. The current poller tears the context down when it closes.
 */
final class CompletionPoller implements Runnable {

    private static final Logger LOG = Logger.getLogger(CompletionPoller.class);
    private static final VarHandle SEQ;

    static {
        try {
            SEQ = MethodHandles.lookup().findVarHandle(CompletionPoller.class, "callbackSeq", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** How long the poller sleeps while some thread may have an operation nobody else will collect (see CallerWaits). */
    static final int SHORT_SLEEP_MILLIS = 1;
    /** How long it sleeps while closing: slots freed without a kernel event would not wake it. */
    private static final int CLOSING_SLEEP_MILLIS = 10;

    private final AioEngine engine;
    final SubmitBatch batch;
    private final BatchPolicy policy;
    /** Odd while a callback runs on this poller: read by the stall guard, which sees a stuck callback as unchanged. */
    @SuppressWarnings("unused") // through SEQ
    private long callbackSeq;
    volatile Thread thread;
    /** Set while this poller sleeps with no time limit: a thread that starts waiting directly must wake it. */
    volatile boolean sleepsWithoutLimit;

    /** Started by the stall guard in place of a stuck poller, rather than as the context's first. */
    private final boolean replacement;

    CompletionPoller(AioEngine engine, SubmitBatching batching, boolean replacement) throws AioException {
        this.engine = engine;
        this.replacement = replacement;
        this.batch = new SubmitBatch(engine);
        this.policy = new BatchPolicy(batching);
    }

    boolean isCurrent() {
        return engine.poller == this;
    }

    /** Whether operations this poller's callbacks issue now go into the batch. */
    boolean batching() {
        return policy.batching();
    }

    long callbackSeq() {
        return (long) SEQ.getOpaque(this);
    }

    /** Runs a stage's completion, and so its callbacks, marked for the stall guard. */
    void runCallback(OperationStage<?> op) {
        long seq = (long) SEQ.get(this);
        SEQ.setRelease(this, seq + 1);
        try {
            op.run();
        } catch (Throwable e) { // a dependent stage's exception is caught by the stage; anything else is logged
            LOG.error("A completion threw on the AIO poller", e);
        } finally {
            SEQ.setRelease(this, seq + 2);
        }
    }

    /** On the poller executor, or on a thread of the stall guard's; does nothing when close() claimed it first. */
    @Override
    public void run() {
        if (replacement || engine.lifecycle.claimFirstPoller()) {
            drive();
        }
    }

    /** Collects completions until the context is closed and nothing is in the kernel, then tears it down. */
    void drive() {
        Thread current = Thread.currentThread();
        String name = current.getName();
        thread = current;
        current.setName("aio-poller");
        try {
            loop();
        } catch (Throwable t) {
            LOG.error("The AIO completion poller failed; the context is closed", t);
            engine.lifecycle.pollerFailed();
        } finally {
            current.setName(name);
            if (isCurrent()) {
                engine.lifecycle.teardown();
            }
        }
    }

    private void loop() {
        Lifecycle lifecycle = engine.lifecycle;
        for (;;) {
            if (!isCurrent()) {
                batch.flush();
                return; // replaced by the stall guard: the current poller goes on
            }
            engine.guard.pollerActive();
            int finished = engine.completer.completeAvailable(this);
            batch.flush();
            policy.tick();
            if (finished > 0) {
                continue; // more may have arrived meanwhile: look again before sleeping
            }
            int timeout;
            if (!lifecycle.isOpen()) {
                if (lifecycle.mayStopPolling()) {
                    return;
                }
                CallerWaits.wakeExpiredWaiters();
                timeout = CallerWaits.someThreadsWaitDirectly() ? SHORT_SLEEP_MILLIS : CLOSING_SLEEP_MILLIS;
            } else if (CallerWaits.someThreadsWaitDirectly()) {
                CallerWaits.wakeExpiredWaiters();
                timeout = SHORT_SLEEP_MILLIS;
            } else if (engine.retrySoon) {
                timeout = SHORT_SLEEP_MILLIS;
            } else {
                sleepsWithoutLimit = true; // then look once more: a thread listed meanwhile reads this flag after
                timeout = CallerWaits.someThreadsWaitDirectly() ? SHORT_SLEEP_MILLIS : -1;
                sleepsWithoutLimit = timeout < 0;
            }
            if (!engine.kernel.enter()) {
                return;
            }
            try {
                engine.source.await(timeout);
            } finally {
                sleepsWithoutLimit = false;
                engine.kernel.exit();
            }
            if (engine.retrySoon) {
                engine.retrySoon = false;
                engine.submitter.drainPending();
            }
        }
    }

    /**
     * Decides, for {@link SubmitBatching#AUTO}, whether to gather submissions, from how much CPU the poller's thread
     * uses: gathering saves system calls but delays operations, so it pays only when that thread's CPU, not the
     * device, is the limit. Time spent asleep inside io_submit (a full device queue) is not CPU and does not count.
     * Measured over windows of {@link #WINDOW_NANOS}: gathering starts above {@link #BUSY_ON} of a core and stops
     * below {@link #BUSY_OFF}.
     */
    static final class BatchPolicy {
        static final long WINDOW_NANOS = 20_000_000;
        static final double BUSY_ON = 0.85, BUSY_OFF = 0.6;

        private final SubmitBatching mode;
        private final java.lang.foreign.MemorySegment timespec = java.lang.foreign.Arena.ofAuto().allocate(16, 8);
        private boolean gathering;
        private long windowStart = System.nanoTime();
        private long cpuAtStart = -1;

        BatchPolicy(SubmitBatching mode) {
            this.mode = mode;
            this.gathering = mode == SubmitBatching.ALWAYS;
        }

        boolean batching() {
            return gathering;
        }

        /** Called by the poller's thread at each round; decides once a window has passed. */
        void tick() {
            if (mode != SubmitBatching.AUTO) {
                return;
            }
            long now = System.nanoTime();
            long span = now - windowStart;
            if (span < WINDOW_NANOS && cpuAtStart >= 0) {
                return;
            }
            long cpu = LibC.clockNanos(LibC.CLOCK_THREAD_CPUTIME_ID, timespec);
            if (cpuAtStart >= 0 && cpu >= 0) {
                double utilization = (double) (cpu - cpuAtStart) / span;
                if (!gathering && utilization >= BUSY_ON) {
                    gathering = true;
                } else if (gathering && utilization <= BUSY_OFF) {
                    gathering = false;
                }
            }
            windowStart = now;
            cpuAtStart = cpu;
        }
    }
}
