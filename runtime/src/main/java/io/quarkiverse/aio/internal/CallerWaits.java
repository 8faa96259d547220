package io.quarkiverse.aio.internal;

import java.lang.ref.Cleaner;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.quarkiverse.aio.AioException;

/**
 * Lets a platform thread that blocks on its own operation ({@code get()}, {@code join()}) be woken by the kernel
 * itself, as a blocking {@code pread} would be, rather than by the poller handing the completion over: one thread
 * wake-up per operation instead of two. The iocb then names the thread's own eventfd as its resfd; when the eventfd
 * fires, the thread takes the completions from the ring itself (others' too: it finishes them on the way).
 * <p>
 * Whether a thread will wait is only known after it has submitted, so it is learnt: a thread that waited for its last
 * operation is expected to wait for the next one ("direct" mode). A thread that attaches a dependent stage, or whose
 * operation completes while it was not waiting, leaves direct mode. While any thread is in direct mode, the poller
 * sleeps at most {@link CompletionPoller#SHORT_SLEEP_MILLIS} at a time, so an operation whose submitter did not wait
 * after all is still collected, that much later at worst. Virtual threads never use this (a virtual thread blocked in
 * a native call would hold its carrier); they are woken by the poller.
 */
final class CallerWaits {

    /** The longest a waiting thread stays in the kernel before it looks for an interrupt. */
    private static final int SLICE_MILLIS = 100;
    private static final ThreadLocal<Waiter> WAITERS = new ThreadLocal<>();
    /** Threads in direct mode, process-wide. */
    private static final AtomicInteger DIRECT_THREADS = new AtomicInteger();

    /** The wait state of one platform thread: its eventfd and its mode. */
    static final class Waiter {
        private static final VarHandle DIRECT;

        static {
            try {
                DIRECT = MethodHandles.lookup().findVarHandle(Waiter.class, "direct", boolean.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final Thread thread;
        /** Null when the thread could not get an eventfd: it then never waits directly. */
        final EventFd eventFd;
        @SuppressWarnings("unused") // through DIRECT
        private volatile boolean direct;
        /** The thread is finishing completions: what it submits now, it does not wait for. */
        boolean finishing;

        Waiter(Thread thread, EventFd eventFd) {
            this.thread = thread;
            this.eventFd = eventFd;
        }

        boolean isDirect() {
            return direct;
        }

        /** The thread waited for an operation that signalled the poller: the next one will signal the thread. */
        void noteWaited() {
            if (eventFd != null && !direct && DIRECT.compareAndSet(this, false, true)) {
                DIRECT_THREADS.incrementAndGet();
            }
        }

        /** The thread did not wait for an operation that signalled it: the next one will signal the poller. */
        void noteNotWaiting() {
            if (direct && DIRECT.compareAndSet(this, true, false)) {
                DIRECT_THREADS.decrementAndGet();
            }
        }
    }

    private final AioEngine engine;

    CallerWaits(AioEngine engine) {
        this.engine = engine;
    }

    static boolean someThreadsWaitDirectly() {
        return DIRECT_THREADS.get() > 0;
    }

    /**
     * Marks an operation about to be submitted from the current thread: the waiter of a platform thread that is not
     * finishing completions, and whether the kernel is to signal it directly.
     */
    void prepare(OperationStage<?> op) {
        Thread thread = Thread.currentThread();
        if (thread.isVirtual() || op.resumeOn != null || !engine.source.helpersMayTake()
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
        op.signalsWaiter = waiter.direct;
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
     * @return false when the time ran out
     */
    boolean await(OperationStage<?> op, long timeoutNanos, boolean interruptible) throws InterruptedException {
        Waiter waiter = op.waiter;
        if (!op.signalsWaiter) {
            waiter.noteWaited();
            return true;
        }
        long deadline = timeoutNanos < 0 ? 0 : System.nanoTime() + timeoutNanos;
        boolean interrupted = false;
        op.awaited = true;
        try {
            while (!op.isDone()) {
                finishAvailable(waiter);
                if (op.isDone()) {
                    break;
                }
                int slice;
                if (timeoutNanos < 0) {
                    slice = interruptible ? SLICE_MILLIS : -1;
                } else {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    slice = (int) Math.min(SLICE_MILLIS, Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                }
                waiter.eventFd.await(slice);
                if (Thread.interrupted()) {
                    if (interruptible) {
                        throw new InterruptedException();
                    }
                    interrupted = true;
                }
            }
            return true;
        } finally {
            op.awaited = false;
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Takes and finishes what the ring holds, as the poller would. */
    private void finishAvailable(Waiter waiter) {
        if (!engine.source.helpersMayTake()) {
            return;
        }
        waiter.finishing = true;
        try {
            engine.completer.completeAvailable(null);
        } finally {
            waiter.finishing = false;
        }
    }

    /** The cleaner's thread starts at first use, at run time (never while a native image is built). */
    private static final class Cleaners {
        static final Cleaner CLEANER = Cleaner.create();
    }
}
