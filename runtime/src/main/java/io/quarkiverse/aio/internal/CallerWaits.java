package io.quarkiverse.aio.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.Cleaner;
import java.util.concurrent.CopyOnWriteArrayList;

import io.quarkiverse.aio.AioException;

/**
 * Lets a platform thread that blocks on its own operation ({@code get()}, {@code join()}) be woken by the kernel
 * itself, as a blocking {@code pread} would be, rather than by the poller handing the completion over: one thread
 * wake-up and one more system call per operation instead of two wake-ups. The iocb names the thread's own eventfd
 * as its resfd; the thread sleeps in one {@code read} of it, then takes the completions from the ring itself. Those
 * of other waiting threads it hands over to them (they were signalled too), the rest it finishes.
 * <p>
 * Whether a thread will wait is only known after it has submitted, so it is learnt: a thread that waited for its last
 * operation is expected to wait for the next one ("direct" mode). A thread that attaches a dependent stage, or whose
 * operation completes while it waits for none of its operations, leaves direct mode. While a thread in direct mode is
 * active (it has operations in flight, sleeps on its eventfd, or submitted within the last
 * {@link #ACTIVE_GRACE_NANOS}) the poller wakes every {@link CompletionPoller#SHORT_SLEEP_MILLIS} ms: it collects an
 * operation whose submitter did not wait after all, and it wakes waiting threads whose time is up or that were
 * interrupted (a thread blocked in a native read does not see Thread.interrupt). A thread that once waited and has
 * been idle since costs the pollers nothing. Virtual threads never use this (a virtual thread blocked in a native call
 * would hold its carrier); the poller wakes them, and {@link VirtualWaits} keeps their timed waits off the JDK's
 * timers.
 */
final class CallerWaits {

    private static final ThreadLocal<Waiter> WAITERS = new ThreadLocal<>();
    /**
     * How long after its last submission a thread in direct mode still keeps the pollers watching: long enough that a
     * thread doing one operation after another does not find the poller asleep without limit (which it would have to
     * wake with a system call) between two of them.
     */
    static final long ACTIVE_GRACE_NANOS = 100_000_000;
    /** How long a thread whose completion another thread is finishing spins before it parks. */
    static final long FINISHING_SPIN_NANOS = 20_000;
    /**
     * Threads in direct mode, or with operations that signal them still in flight, process-wide: the pollers watch
     * their deadlines and interrupts, and collect what their threads did not wait for. Threads add themselves; the
     * pollers take out those that left direct mode and have nothing in flight.
     */
    private static final CopyOnWriteArrayList<Waiter> DIRECT = new CopyOnWriteArrayList<>();

    /** The wait state of one platform thread: its eventfd, its mode, and how long its current wait may last. */
    static final class Waiter {
        private static final VarHandle IS_DIRECT;

        static {
            try {
                IS_DIRECT = MethodHandles.lookup().findVarHandle(Waiter.class, "direct", boolean.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final Thread thread;
        /** Null when the thread could not get an eventfd: it then never waits directly. */
        final EventFd eventFd;
        @SuppressWarnings("unused") // through IS_DIRECT
        private volatile boolean direct;
        /** In {@link #DIRECT}; changed under the waiter's monitor, so that listing and unlisting never cross. */
        private volatile boolean listed;
        /** Operations that signal this thread and are not finished yet. */
        final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
        /** The thread is finishing completions: what it submits now, it does not wait for. */
        boolean finishing;
        /** When it last submitted an operation that signals it (System.nanoTime). */
        volatile long lastSubmitted;
        /** While the thread sleeps on its eventfd: when its wait ends (System.nanoTime), and whether an interrupt does. */
        volatile boolean sleeping;
        /**
         * How many waits of the thread for its operations are under way (more than one when a callback the thread runs
         * while it waits waits too): another of its operations that completes meanwhile does not mean it does not wait
         * (a thread with several in flight waits for one at a time). Written by the thread only.
         */
        volatile int awaiting;
        volatile long deadline;
        volatile boolean interruptible;

        Waiter(Thread thread, EventFd eventFd) {
            this.thread = thread;
            this.eventFd = eventFd;
        }

        /** Whether the pollers watch it (tests). */
        boolean isListed() {
            return listed;
        }

        /** Whether the thread's next operation will signal it (tests). */
        boolean isDirect() {
            return direct;
        }

        /** The thread waited for an operation that signalled the poller: the next one will signal the thread. */
        void noteWaited() {
            if (eventFd != null && !direct && IS_DIRECT.compareAndSet(this, false, true)) {
                list();
            }
        }

        private synchronized void list() {
            if (!listed) {
                listed = true;
                DIRECT.add(this);
            }
        }

        /**
         * For the pollers: takes the thread out of the list when nothing more will signal it. A thread that comes back
         * to direct mode meanwhile lists itself again once this is done (same monitor), before its next operation.
         */
        void unlistIfIdle() {
            if (listed && idle()) {
                synchronized (this) {
                    if (listed && idle()) {
                        listed = false;
                        DIRECT.remove(this);
                    }
                }
            }
        }

        private boolean idle() {
            return (!direct || !thread.isAlive()) && inFlight.get() == 0;
        }

        /** The thread did not wait for an operation that signalled it: the next one will signal the poller. */
        void noteNotWaiting() {
            IS_DIRECT.compareAndSet(this, true, false); // stays listed while its operations are in flight
        }
    }

    private final AioEngine engine;

    CallerWaits(AioEngine engine) {
        this.engine = engine;
    }

    /** Whether a thread in direct mode is active, so that the pollers must watch (see the class comment). */
    static boolean someThreadsWaitDirectly() {
        if (DIRECT.isEmpty()) {
            return false;
        }
        long now = System.nanoTime();
        boolean active = false;
        for (Waiter waiter : DIRECT) {
            if (waiter.inFlight.get() > 0 || waiter.sleeping) {
                active = true;
            } else if (!waiter.thread.isAlive()) {
                waiter.unlistIfIdle(); // gone, with nothing in flight: its eventfd may be closed now
            } else if (now - waiter.lastSubmitted < ACTIVE_GRACE_NANOS) {
                active = true;
            }
        }
        return active;
    }

    /** For the pollers: wakes the waiting threads whose time is up or that were interrupted. */
    static void wakeExpiredWaiters() {
        long now = System.nanoTime();
        for (Waiter waiter : DIRECT) {
            waiter.unlistIfIdle();
            if (waiter.sleeping && (now - waiter.deadline >= 0
                    || waiter.interruptible && waiter.thread.isInterrupted())) {
                waiter.eventFd.signal();
            }
        }
    }

    /**
     * Marks an operation about to be submitted from the current thread: the waiter of a platform thread that is not
     * finishing completions, and whether the kernel is to signal it directly.
     */
    void prepare(OperationStage<?> op) {
        Thread thread = Thread.currentThread();
        if (thread.isVirtual() || op.resumeOn != null || !engine.directWaitsPossible()
                || engine.isPollerThread(thread)) {
            return;
        }
        Waiter waiter = WAITERS.get();
        if (waiter == null) {
            waiter = newWaiter(thread);
        }
        if (waiter.finishing) {
            return;
        }
        op.waiter = waiter;
        if (waiter.direct) {
            op.signalsWaiter = true;
            waiter.lastSubmitted = System.nanoTime();
            waiter.inFlight.incrementAndGet(); // before io_submit: the poller keeps watching until it is finished
            CompletionPoller poller = engine.poller;
            if (poller.sleepsWithoutLimit) {
                engine.wakePoller(); // it went to sleep before this thread was listed: it must watch it now
            }
        }
    }

    private static Waiter newWaiter(Thread thread) {
        EventFd eventFd;
        try {
            eventFd = EventFd.create();
        } catch (AioException e) {
            eventFd = null; // out of descriptors: this thread is woken by the poller
        }
        Waiter waiter = new Waiter(thread, eventFd);
        if (eventFd != null) {
            Cleaners.CLEANER.register(waiter, EventFd.closer(eventFd)); // when the thread is gone
        }
        WAITERS.set(waiter);
        return waiter;
    }

    /**
     * The submitting thread waits for its operation. When the operation signals the poller, this only switches the
     * thread to direct mode for its next operations and returns true: the caller then waits the usual way.
     *
     * @param timeoutNanos at most this long; negative: without limit
     * @param interruptible whether an interrupt ends the wait (get) or is kept for later (join)
     * @return false when the time ran out; then the caller's wait ends
     * @throws InterruptedException when interrupted and {@code interruptible}
     */
    boolean await(OperationStage<?> op, long timeoutNanos, boolean interruptible) throws InterruptedException {
        Waiter waiter = op.waiter;
        if (!op.signalsWaiter) {
            waiter.noteWaited();
            return true;
        }
        if (!op.changeWaitState(OperationStage.NOT_AWAITED, OperationStage.AWAITED)) {
            awaitFinishing(op); // another thread took its completion and finishes it now
            return true;
        }
        long outerDeadline = waiter.deadline; // a wait inside a callback run while the thread waits: restored after it
        boolean outerInterruptible = waiter.interruptible;
        waiter.deadline = timeoutNanos < 0 ? System.nanoTime() + Long.MAX_VALUE / 2 : System.nanoTime() + timeoutNanos;
        waiter.interruptible = interruptible;
        waiter.awaiting++;
        try {
            return awaitSignalled(waiter, op, interruptible);
        } finally {
            waiter.awaiting--;
            waiter.deadline = outerDeadline;
            waiter.interruptible = outerInterruptible;
        }
    }

    private boolean awaitSignalled(Waiter waiter, OperationStage<?> op, boolean interruptible)
            throws InterruptedException {
        for (;;) {
            finishUntil(waiter, op); // its own completion may be there already (a buffered read, a stale signal)
            if (finishedOrTaken(op)) {
                return true;
            }
            if (System.nanoTime() - waiter.deadline >= 0
                    || interruptible && Thread.currentThread().isInterrupted()) {
                if (op.changeWaitState(OperationStage.AWAITED, OperationStage.NOT_AWAITED)) {
                    if (interruptible && Thread.interrupted()) {
                        throw new InterruptedException();
                    }
                    return false;
                }
                continue; // handed over meanwhile: finish it
            }
            waiter.sleeping = true;
            try {
                waiter.eventFd.await(-1); // the kernel, a thread handing over, or the poller at the deadline wakes it
            } finally {
                waiter.sleeping = false;
            }
        }
    }

    /**
     * Whether the wait is over: the operation is complete, its result was handed over (then finished here), or
     * another thread took it and finishes it (then the caller waits on the stage the usual way).
     */
    private boolean finishedOrTaken(OperationStage<?> op) {
        int state = op.waitState();
        if (state == OperationStage.DELIVERED) {
            engine.completer.finishDelivered(op);
            return true;
        }
        if (state == OperationStage.TAKEN) {
            awaitFinishing(op);
            return true;
        }
        return op.isDone();
    }

    /**
     * Another thread took the operation's completion and is finishing it (microseconds, unless a callback of the
     * operation's runs long): spinning that long is cheaper than parking, which costs both threads a system call. The
     * caller waits the usual way after {@link #FINISHING_SPIN_NANOS} if it is still not done.
     */
    private static void awaitFinishing(OperationStage<?> op) {
        long start = System.nanoTime();
        for (int spins = 1; !op.isDone(); spins++) {
            Thread.onSpinWait();
            if ((spins & 63) == 0 && System.nanoTime() - start > FINISHING_SPIN_NANOS) {
                return;
            }
        }
    }

    /** Takes completions from the ring until its own is among them, handing over or finishing the others. */
    private void finishUntil(Waiter waiter, OperationStage<?> op) {
        waiter.finishing = true;
        try {
            engine.completer.completeAvailable(null, op);
        } finally {
            waiter.finishing = false;
        }
    }

    /** The cleaner's thread starts at first use, at run time (never while a native image is built). */
    private static final class Cleaners {
        static final Cleaner CLEANER = Cleaner.create();
    }
}
