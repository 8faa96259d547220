package io.quarkiverse.aio.internal;

import static io.quarkiverse.aio.internal.linux.KernelAbi.*;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.locks.ReentrantLock;

import org.jboss.logging.Logger;

import io.quarkiverse.aio.AioException;
import io.quarkiverse.aio.internal.linux.Errno;
import io.quarkiverse.aio.internal.linux.LibC;

/**
 * Completions collected with {@code io_getevents}: when the ring is not read in user space
 * ({@code userspace-reap=false}, or a ring header this library does not know), and when the user owns the resfd
 * ({@code completion-eventfd}). The poller waits in io_getevents; close() wakes it through an IOCB_CMD_POLL on an
 * eventfd (Linux 4.18+), or, without that, at its next timeout.
 */
final class SyscallSource extends CompletionSource {

    private static final Logger LOG = Logger.getLogger(SyscallSource.class);
    /** The longest io_getevents wait: without the wake-up poll it bounds how long close() waits for the poller. */
    private static final int MAX_WAIT_MILLIS_WITHOUT_WAKEUP = 100;

    private final KernelContext kernel;
    private final SlotTable slots;
    private final int capacity;
    private final MemorySegment memory;
    private final MemorySegment events;
    private final MemorySegment timeout;
    private final MemorySegment callState;
    /** Held by the one poller inside io_getevents: a replacement poller waits for it rather than share the buffer. */
    private final ReentrantLock fetching = new ReentrantLock();
    /** The eventfd watched by the wake-up poll, or null when there is none. */
    private final EventFd wakeEventFd;
    private boolean wakeArmed;
    // Guarded by the spin lock: the events fetched and not yet taken are [cursor, count).
    private int cursor, count;
    private volatile long ioGeteventsCalls;
    private boolean fetchedForTeardown;

    private SyscallSource(KernelContext kernel, SlotTable slots, MemorySegment memory, EventFd wakeEventFd) {
        this.kernel = kernel;
        this.slots = slots;
        this.capacity = slots.depth + 1;
        this.memory = memory;
        this.events = memory.asSlice(0, capacity * IO_EVENT.byteSize());
        this.timeout = memory.asSlice(capacity * IO_EVENT.byteSize(), TIMESPEC.byteSize());
        this.callState = memory.asSlice(capacity * IO_EVENT.byteSize() + TIMESPEC.byteSize(), LibC.callStateSize());
        this.wakeEventFd = wakeEventFd;
    }

    static SyscallSource create(KernelContext kernel, SlotTable slots) throws AioException {
        long bytes = (slots.depth + 1) * IO_EVENT.byteSize() + TIMESPEC.byteSize() + LibC.callStateSize();
        MemorySegment memory = LibC.calloc(1, bytes);
        if (memory.equals(MemorySegment.NULL)) {
            throw new AioException("not enough native memory for the completion buffer", Errno.ENOMEM, "calloc");
        }
        EventFd wake;
        try {
            wake = EventFd.create();
        } catch (AioException e) {
            LOG.debugf("no eventfd for the poller's wake-up (%s): close() waits up to %d ms for it", e.getMessage(),
                    MAX_WAIT_MILLIS_WITHOUT_WAKEUP);
            wake = null;
        }
        SyscallSource source = new SyscallSource(kernel, slots, memory, wake);
        source.armWakeUp();
        return source;
    }

    /** Submits the poll on the wake-up eventfd; without it (before Linux 4.18) the poller wakes at its timeouts. */
    private void armWakeUp() {
        if (wakeEventFd == null || !kernel.enter()) {
            return;
        }
        try {
            slots.writeWakeIocb(wakeEventFd.fd);
            wakeArmed = kernel.submit(callState, 1, slots.pointerAddress(slots.wakeSlot)) == 1;
            if (!wakeArmed) {
                LOG.debugf("IOCB_CMD_POLL is not available (%s): close() waits up to %d ms for the poller",
                        Failures.errnoText(LibC.errno(callState)), MAX_WAIT_MILLIS_WITHOUT_WAKEUP);
            }
        } finally {
            kernel.exit();
        }
    }

    @Override
    int take(SlotTable slots) {
        if (!tryLock()) {
            return BUSY;
        }
        try {
            while (cursor < count) {
                long base = cursor++ * IO_EVENT.byteSize();
                long data = events.get(JAVA_LONG, base + EVENT_DATA);
                if (data == slots.wakeSlot) {
                    wakeArmed = false; // fired: re-armed by the poller after this round
                    return NOT_AN_OPERATION;
                }
                if (!slots.isSlot(data)) {
                    LOG.errorf("Ignored a completion for slot %d, which is not an operation's (a bug)", data);
                    return NOT_AN_OPERATION;
                }
                return taken(slots, (int) data, events.get(JAVA_LONG, base + EVENT_RES));
            }
            return EMPTY;
        } finally {
            unlock();
        }
    }

    @Override
    void await(int timeoutMillis) {
        fetching.lock();
        try {
            if (!isDrained()) {
                return; // what an earlier fetch brought has not all been taken yet
            }
            if (wakeEventFd != null && !wakeArmed) {
                boolean woken = wakeEventFd.await(0); // reset the counter, so the new poll does not fire at once
                armWakeUp();
                if (woken) {
                    return; // a wake-up came meanwhile: let the poller look at the state before it waits
                }
            }
            int millis = wakeArmed ? timeoutMillis : (timeoutMillis < 0 ? MAX_WAIT_MILLIS_WITHOUT_WAKEUP
                    : Math.min(timeoutMillis, MAX_WAIT_MILLIS_WITHOUT_WAKEUP));
            fetch(millis);
        } finally {
            fetching.unlock();
        }
    }

    /** io_getevents into the buffer, waiting at most {@code millis} (negative: no limit). */
    private void fetch(int millis) {
        long timeoutAddress = 0;
        if (millis >= 0) {
            timeout.set(JAVA_LONG, 0, millis / 1000);
            timeout.set(JAVA_LONG, 8, (millis % 1000) * 1_000_000L);
            timeoutAddress = timeout.address();
        }
        long n = kernel.getevents(callState, 1, capacity, events.address(), timeoutAddress);
        ioGeteventsCalls++;
        if (n < 0) {
            int errno = LibC.errno(callState);
            if (errno != Errno.EINTR) {
                throw new IllegalStateException("io_getevents failed: " + Failures.errnoText(errno));
            }
            n = 0;
        }
        while (!tryLock()) {
            Thread.onSpinWait();
        }
        cursor = 0;
        count = (int) n;
        unlock();
    }

    /** The teardown's last look: what is buffered, then what the kernel holds already, without waiting. */
    @Override
    int takeRemaining(SlotTable slots) {
        int slot = super.takeRemaining(slots);
        if (slot == EMPTY && !fetchedForTeardown) {
            fetchedForTeardown = true;
            fetch(0);
            slot = super.takeRemaining(slots);
        }
        return slot;
    }

    private boolean isDrained() {
        while (!tryLock()) {
            Thread.onSpinWait();
        }
        try {
            return cursor >= count;
        } finally {
            unlock();
        }
    }

    @Override
    void wake() {
        if (wakeEventFd != null) {
            wakeEventFd.signal();
        }
    }

    @Override
    boolean helpersMayTake() {
        return false;
    }

    @Override
    long ioGeteventsCalls() {
        return ioGeteventsCalls;
    }

    @Override
    long ringCompletions() {
        return 0;
    }

    @Override
    void free() {
        LibC.free(memory);
        if (wakeEventFd != null) {
            wakeEventFd.close();
        }
    }
}
