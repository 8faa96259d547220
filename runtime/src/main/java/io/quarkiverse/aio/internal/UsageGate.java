package io.quarkiverse.aio.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Counts the users of a resource that may be closed concurrently, so that the resource is released exactly once and
 * only after its last user has left: a file descriptor after its last operation completes, a kernel context after
 * the last thread has left {@code io_submit}. Lock-free and allocation-free.
 */
final class UsageGate {

    private static final int CLOSED = Integer.MIN_VALUE;

    private final AtomicInteger state = new AtomicInteger();

    /** Registers a user; false when the gate is closed (the caller must not use the resource). */
    boolean enter() {
        for (;;) {
            int s = state.get();
            if (s < 0) {
                return false;
            }
            if (state.compareAndSet(s, s + 1)) {
                return true;
            }
        }
    }

    /** Unregisters a user; true when this was the last user of a closed gate: the caller releases the resource. */
    boolean exit() {
        return state.decrementAndGet() == CLOSED;
    }

    /**
     * Closes the gate to new users; true when nobody was inside, so the caller releases the resource. False when
     * users remain (the last {@link #exit()} then returns true) or when the gate was already closed.
     */
    boolean close() {
        for (;;) {
            int s = state.get();
            if (s < 0) {
                return false;
            }
            if (state.compareAndSet(s, s | CLOSED)) {
                return s == 0;
            }
        }
    }

    /** How many users are inside now. */
    int users() {
        return state.get() & Integer.MAX_VALUE;
    }

    boolean isClosed() {
        return state.get() < 0;
    }

    /** Whether the gate is closed and nobody is inside any more. */
    boolean isIdleAfterClose() {
        return state.get() == CLOSED;
    }

    /** Closes the gate and waits until every user has left. Users stay only for one short system call. */
    void closeAndAwaitIdle() {
        close();
        while (state.get() != CLOSED) {
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(50));
        }
    }
}
