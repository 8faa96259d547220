package io.quarkiverse.aio.internal;

import static io.quarkiverse.aio.internal.linux.KernelAbi.EVENT_DATA;
import static io.quarkiverse.aio.internal.linux.KernelAbi.EVENT_RES;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import org.jboss.logging.Logger;

/**
 * Completions read from the kernel's ring without a system call. Every iocb asks the kernel to signal an eventfd
 * ({@code IOCB_FLAG_RESFD}) after it has published the event: the poller's, on which the poller sleeps with one
 * {@code read}, or that of a caller waiting for its own operation. No thread ever calls {@code io_getevents} on this
 * context, which would consume the ring behind the readers' backs.
 */
final class RingSource extends CompletionSource {

    private static final Logger LOG = Logger.getLogger(RingSource.class);

    private final CompletionRing ring;
    /** The poller's eventfd, the resfd of the operations nobody waits for in person. */
    final EventFd pollerEventFd;
    /** Guarded by the lock. */
    private long taken;

    RingSource(CompletionRing ring, EventFd pollerEventFd) {
        this.ring = ring;
        this.pollerEventFd = pollerEventFd;
    }

    @Override
    int take(SlotTable slots) {
        if (!tryLock()) {
            return BUSY;
        }
        try {
            int head = ring.head();
            if (head == ring.tail()) {
                return EMPTY;
            }
            long offset = ring.eventOffset(head);
            long data = ring.memory.get(JAVA_LONG, offset + EVENT_DATA);
            long res = ring.memory.get(JAVA_LONG, offset + EVENT_RES);
            // Hand the entry back at once: until then the kernel counts it against the requests it accepts.
            ring.consumeTo(head + 1 == ring.size ? 0 : head + 1);
            taken++;
            if (!slots.isSlot(data)) {
                LOG.errorf("Ignored a completion for slot %d, which is not an operation's (a bug)", data);
                return NOT_AN_OPERATION;
            }
            return taken(slots, (int) data, res);
        } finally {
            unlock();
        }
    }

    @Override
    void await(int timeoutMillis) {
        pollerEventFd.await(timeoutMillis);
    }

    @Override
    void wake() {
        pollerEventFd.signal();
    }

    @Override
    boolean helpersMayTake() {
        return true;
    }

    @Override
    long ioGeteventsCalls() {
        return 0;
    }

    @Override
    long ringCompletions() {
        return taken;
    }

    @Override
    void free() {
        pollerEventFd.close();
    }
}
