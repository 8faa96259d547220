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
 * woken only when a wait ends before the one it sleeps for.
 */
final class VirtualWaits {

    /** The wait state of one virtual thread, made once and reused for each of its waits. */
    private static final class Waiter {
        final Thread thread;
        volatile boolean waiting;
        volatile long deadline;

        Waiter(Thread thread) {
            this.thread = thread;
        }
    }

    private static final ThreadLocal<Waiter> WAITERS = new ThreadLocal<>();
    /** Every virtual thread that waited: the watchdog forgets those that ended. */
    private static final Set<Waiter> ALL = ConcurrentHashMap.newKeySet();
    private static final Object LOCK = new Object();
    /**
     * What the watchdog does: looks at the waiters (under LOCK), or sleeps without a deadline, or sleeps until
     * {@link #until}. A waiter whose deadline comes before the one the watchdog sleeps until wakes it (under LOCK).
     */
    private static final int LOOKING = 0, IDLE = 1, SLEEPING_UNTIL = 2;
    private static volatile int state = IDLE;
    private static volatile long until;
    /** Guarded by LOCK. */
    private static Thread watchdog;

    /**
     * The current virtual thread waits for {@code op} at most {@code timeoutNanos}.
     *
     * @return true when the operation is done, false when the time ran out first
     * @throws InterruptedException when interrupted
     */
    static boolean await(OperationStage<?> op, long timeoutNanos) throws InterruptedException {
        Waiter waiter = WAITERS.get();
        if (waiter == null) {
            waiter = new Waiter(Thread.currentThread());
            WAITERS.set(waiter);
            ALL.add(waiter);
        }
        long deadline = System.nanoTime() + Math.min(timeoutNanos, Long.MAX_VALUE / 4); // no overflow
        waiter.deadline = deadline;
        waiter.waiting = true;
        try {
            if (state != SLEEPING_UNTIL || deadline - until < 0) {
                watchUntil(deadline); // rare: only a wait that ends before all others, or while the watchdog looks
            }
            while (!op.isDone()) {
                if (System.nanoTime() - deadline >= 0) {
                    return false;
                }
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
                LockSupport.park(op); // unparked by the operation's completion, an interrupt or the watchdog
            }
            return true;
        } finally {
            waiter.waiting = false;
        }
    }

    /** A wait may end before the watchdog would wake: it wakes, and sleeps until this deadline instead. */
    private static void watchUntil(long deadline) {
        synchronized (LOCK) { // the watchdog has finished looking: it saw this waiter, or sleeps without seeing it
            if (state == SLEEPING_UNTIL && deadline - until >= 0) {
                return;
            }
            until = deadline;
            state = SLEEPING_UNTIL;
            if (watchdog == null) {
                watchdog = Thread.ofPlatform().daemon(true).name("aio-virtual-thread-timeouts").start(VirtualWaits::watch);
            } else {
                LockSupport.unpark(watchdog);
            }
        }
    }

    /** The watchdog: unparks waiters whose time is up, forgets ended threads, sleeps until the next deadline. */
    private static void watch() {
        for (;;) {
            long sleep;
            synchronized (LOCK) {
                state = LOOKING; // a waiter that starts now takes LOCK, after this look, and compares with its result
                long now = System.nanoTime();
                boolean found = false;
                long next = 0;
                for (Waiter waiter : ALL) {
                    if (!waiter.thread.isAlive()) {
                        ALL.remove(waiter);
                    } else if (waiter.waiting) {
                        long deadline = waiter.deadline;
                        if (deadline - now <= 0) {
                            LockSupport.unpark(waiter.thread);
                        } else if (!found || deadline - next < 0) {
                            found = true;
                            next = deadline;
                        }
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
