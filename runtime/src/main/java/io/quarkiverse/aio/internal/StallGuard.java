package io.quarkiverse.aio.internal;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.jboss.logging.Logger;

/**
 * Keeps one blocking callback from stalling every other completion. Callbacks run on the poller (no hand-off, which
 * is what makes the default fast); this guard samples the current poller's callback counter every half threshold,
 * and when the same callback is still running at two samples in a row it makes a new poller current, on a thread of
 * its own, and flushes the stuck poller's batch. The stuck poller stops when its callback returns. The first takeover
 * is logged with the stack of the blocking callback, so that the user can move that work off the poller.
 * <p>
 * While no callbacks run it sleeps one second at a time; the poller wakes it when callbacks start again.
 */
final class StallGuard implements Runnable {

    private static final Logger LOG = Logger.getLogger(StallGuard.class);
    private static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final int QUIET_SAMPLES_BEFORE_IDLE = 4;

    private final AioEngine engine;
    private final long periodNanos;
    private final Duration threshold;
    private volatile Thread thread;
    private volatile boolean idle;
    private volatile boolean stopped;
    private boolean logged;

    StallGuard(AioEngine engine, Duration threshold) {
        this.engine = engine;
        this.threshold = threshold;
        this.periodNanos = Math.max(threshold.toNanos() / 2, 1);
    }

    void start() {
        if (!threshold.isZero()) {
            thread = Thread.ofPlatform().daemon(true).name("aio-stall-guard").start(this);
        }
    }

    void stop() {
        stopped = true;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** Called by the poller at each round: wakes the guard if it sleeps long (a racy read; it wakes anyway in 1 s). */
    void pollerActive() {
        if (idle) {
            idle = false;
            LockSupport.unpark(thread);
        }
    }

    @Override
    public void run() {
        CompletionPoller watched = null;
        long last = -1;
        int quiet = 0;
        while (!stopped) {
            if (quiet >= QUIET_SAMPLES_BEFORE_IDLE) {
                idle = true;
                LockSupport.parkNanos(this, IDLE_NANOS);
                idle = false;
                quiet = 0;
            } else {
                LockSupport.parkNanos(this, periodNanos);
            }
            CompletionPoller poller = engine.poller;
            if (poller == null || stopped) {
                continue;
            }
            long seq = poller.callbackSeq();
            if (poller == watched && seq == last && (seq & 1) == 1) {
                takeOver(poller);
                watched = null;
                quiet = 0;
                continue;
            }
            quiet = poller == watched && seq == last ? quiet + 1 : 0;
            watched = poller;
            last = seq;
        }
    }

    private void takeOver(CompletionPoller stuck) {
        Thread stuckThread = stuck.thread;
        if (!engine.replacePoller(stuck)) {
            return;
        }
        engine.statistics.pollerStalls.increment();
        stuck.batch.flushIfIdle();
        if (!logged) {
            logged = true;
            AioStallException where = new AioStallException(threshold);
            if (stuckThread != null) {
                where.setStackTrace(stuckThread.getStackTrace());
            }
            LOG.warnf(where, "A completion callback has held the AIO poller thread %s for more than %s; another"
                    + " thread now collects completions. Blocking work in a callback belongs on an executor of its own"
                    + " (thenApplyAsync(..., executor)), or set quarkus.aio.completion-dispatch=executor. (Logged once;"
                    + " the stack is the callback's.)", stuckThread == null ? "?" : stuckThread.getName(), threshold);
        } else {
            LOG.debugf("A completion callback held the AIO poller for more than %s; another thread took over",
                    threshold);
        }
    }

    /** Carries the stack of a blocking callback into the log. */
    static final class AioStallException extends Exception {
        AioStallException(Duration threshold) {
            super("completion callback running for more than " + threshold);
        }
    }
}
