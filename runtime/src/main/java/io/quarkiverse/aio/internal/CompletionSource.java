package io.quarkiverse.aio.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Where completions come from, one at a time: the kernel's ring read in user space ({@link RingSource}), or the
 * events {@code io_getevents} copied out ({@link SyscallSource}). Any thread may take the next completion (the
 * poller, a replacement poller, a caller helping while it waits), so taking one is guarded by a spin lock held for a
 * few memory reads only; whoever takes a completion then runs it outside the lock, so that one slow callback never
 * keeps the others from being taken by another thread.
 * <p>
 * Callers must hold {@link KernelContext#enter()} around {@link #take} and {@link #await}: the ring is unmapped with
 * the context.
 */
abstract class CompletionSource {

    /** {@link #take} found nothing; another thread is taking one (try again); the event was not an operation's. */
    static final int EMPTY = -1, BUSY = -2, NOT_AN_OPERATION = -3;
    /** Set in what {@link #take} returns when the result was handed over to the operation's waiting submitter. */
    static final int HANDED_OVER = 1 << 30;

    private static final VarHandle LOCKED;

    static {
        try {
            LOCKED = MethodHandles.lookup().findVarHandle(CompletionSource.class, "locked", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // through LOCKED
    private volatile int locked;

    final boolean tryLock() {
        return (int) LOCKED.compareAndExchangeAcquire(this, 0, 1) == 0;
    }

    final void unlock() {
        LOCKED.setRelease(this, 0);
    }

    /**
     * Takes the next completion: its slot, with the kernel's result kept by {@link SlotTable#takeCompleted} (and
     * {@link #HANDED_OVER} set when {@link Completer#handOver} gave it to a waiting submitter, under the lock, so that
     * a submitter that then finds the source empty also finds its result); or {@link #EMPTY}, {@link #BUSY} or
     * {@link #NOT_AN_OPERATION}.
     */
    abstract int take(SlotTable slots);

    /**
     * Under the lock: takes the operation of {@code slot} out of it, with its result, and hands it over when its
     * submitter waits for it.
     */
    static int taken(SlotTable slots, int slot, long res) {
        return Completer.handOver(slots.takeCompleted(slot, res), res) ? slot | HANDED_OVER : slot;
    }

    /** The teardown's last look, alone with the context: like {@link #take}, and never {@link #BUSY}. */
    int takeRemaining(SlotTable slots) {
        int slot;
        do {
            slot = take(slots);
        } while (slot == BUSY);
        return slot;
    }

    /**
     * Poller only: waits until completions may be there, at most {@code timeoutMillis} (negative: no limit), or until
     * {@link #wake()}.
     */
    abstract void await(int timeoutMillis);

    /** Makes a poller blocked in {@link #await} return soon. Any thread. */
    abstract void wake();

    /** Whether callers waiting for their own operations may take completions too (ring reading is cheap). */
    abstract boolean helpersMayTake();

    /** The number of io_getevents calls made. */
    abstract long ioGeteventsCalls();

    /** The number of completions read from the ring without a system call. */
    abstract long ringCompletions();

    /** After io_destroy, when no thread uses the source any more. */
    abstract void free();
}
