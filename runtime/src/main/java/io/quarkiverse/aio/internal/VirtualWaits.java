package io.quarkiverse.aio.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * Timed waits of virtual threads for their operations ({@code get(timeout, unit)}) without a JDK timer per wait. A
 * virtual thread that parks with a timeout has the JDK schedule a task that unparks it, and cancel that task when it is
 * unparked sooner: both signal the scheduler's timer thread, and on the benchmarks here that was the largest cost of
 * a virtual thread waiting for a read (more than a quarter of its CPU). Here the thread parks without a timeout, its
 * operation unparks it when it completes, and one watchdog thread for the whole process unparks those whose time is
 * up. Operations take microseconds and timeouts seconds, so the watchdog sleeps until the earliest deadline and is
 * woken only when a wait would end before the one it sleeps for.
 */
final class VirtualWaits {

    /** Shorter waits go the JDK's way: a timer for them costs little next to the wait, and the watchdog nothing. */
    static final long SHORTEST_NANOS = 1_000_000;

    /** One wait: registered while it lasts, so the watchdog looks only at the waits there are. */
    private static final class Wait {
        final Thread thread = Thread.currentThread();
        final long deadline;

        Wait(long deadline) {
            this.deadline = deadline;
        }
    }

    private static final Set<Wait> WAITS = ConcurrentHashMap.newKeySet();
    private static final Object LOCK = new Object();
    /**
     * What the watchdog does: looks at the waits (under LOCK), or sleeps without a deadline, or sleeps until
     * {@link #until}. A wait whose deadline comes before the one the watchdog sleeps until wakes it (under LOCK).
     */
    private static final int LOOKING = 0, IDLE = 1, SLEEPING_UNTIL = 2;
    private static volatile int state = IDLE;
    private static volatile long until;
    /** Guarded by LOCK. */
    private static Thread watchdog;

    /** What {@link #await} found. */
    enum Outcome {
        DONE, TIMED_OUT, NOT_WATCHED
    }

    /**
     * The current virtual thread waits for {@code op} at most {@code timeoutNanos} (at least {@link #SHORTEST_NANOS}).
     *
     * @return DONE, TIMED_OUT, or NOT_WATCHED when no watchdog could be started (the caller then waits the JDK's way)
     * @throws InterruptedException when interrupted
     */
    static Outcome await(OperationStage<?> op, long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + Math.min(timeoutNanos, Long.MAX_VALUE / 4); // no overflow
        Wait wait = new Wait(deadline);
        WAITS.add(wait);
        try {
            if ((state != SLEEPING_UNTIL || deadline - until < 0) && !watchUntil(deadline)) {
                return Outcome.NOT_WATCHED;
            }
            while (!op.isDone()) {
                if (System.nanoTime() - deadline >= 0) {
                    return Outcome.TIMED_OUT;
                }
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
                LockSupport.park(op); // unparked by the operation's completion, an interrupt or the watchdog
            }
            return Outcome.DONE;
        } finally {
            WAITS.remove(wait);
        }
    }

    /**
     * A wait may end before the watchdog would wake (or the watchdog is looking, or idle): the watchdog wakes, and
     * sleeps until this deadline instead. Rare: with timeouts alike, only the first wait after a quiet spell does this.
     *
     * @return false when there is no watchdog and none could be started
     */
    private static boolean watchUntil(long deadline) {
        synchronized (LOCK) { // the watchdog has finished looking: it saw this wait, or sleeps without seeing it
            if (watchdog == null) {
                try {
                    Thread started = Thread.ofPlatform().daemon(true).name("aio-virtual-thread-timeouts")
                            .inheritInheritableThreadLocals(false).unstarted(VirtualWaits::watch);
                    started.setContextClassLoader(null); // it outlives applications (dev mode, tests): pins none
                    started.start();
                    watchdog = started;
                } catch (Throwable e) { // OutOfMemoryError: unable to create a thread; a limit on processes
                    return false;
                }
            } else if (state == SLEEPING_UNTIL && deadline - until >= 0) {
                return true;
            }
            until = deadline;
            state = SLEEPING_UNTIL;
            LockSupport.unpark(watchdog);
            return true;
        }
    }

    /** The watchdog: unparks the waits whose time is up, then sleeps until the next deadline. */
    private static void watch() {
        for (;;) {
            Thread.interrupted(); // nothing stops it; an interrupt must not make park return at once forever
            long sleep;
            synchronized (LOCK) {
                state = LOOKING; // a wait that starts now takes LOCK, after this look, and compares with its result
                long now = System.nanoTime();
                boolean found = false;
                long next = 0;
                for (Wait wait : WAITS) {
                    if (wait.deadline - now <= 0) {
                        LockSupport.unpark(wait.thread);
                    } else if (!found || wait.deadline - next < 0) {
                        found = true;
                        next = wait.deadline;
                    }
                }
                if (!found) {
                    state = IDLE;
                    sleep = Long.MAX_VALUE;
                } else {
                    until = next;
                    state = SLEEPING_UNTIL;
                    sleep = next - now;
                }
            }
            if (sleep == Long.MAX_VALUE) {
                LockSupport.park(LOCK);
            } else {
                LockSupport.parkNanos(LOCK, sleep);
            }
        }
    }

    private VirtualWaits() {
    }
}
