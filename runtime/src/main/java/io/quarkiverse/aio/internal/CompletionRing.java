package io.quarkiverse.aio.internal;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

import io.quarkiverse.aio.internal.linux.KernelAbi;

/**
 * The completion ring the kernel maps into the process at the address of the AIO context ({@code struct aio_ring}
 * in fs/aio.c): completions can be read from it without a system call. The kernel writes an event, then publishes it
 * by moving {@code tail}; a consumer reads events up to {@code tail} and hands their slots back by moving
 * {@code head}. The kernel reads {@code head} to refill its request credits. Consumers take turns under
 * {@link RingSource}'s lock, and io_getevents, which would move {@code head} behind their backs, is never called on a
 * context whose ring is read this way.
 * <p>
 * The mapping disappears with io_destroy: this is read only by the poller, which stops before the context is destroyed.
 */
final class CompletionRing {

    private static final int MAGIC = 0xa10a10a1;
    private static final long NR = 4, HEAD = 8, TAIL = 12, MAGIC_OFFSET = 16, INCOMPAT_FEATURES = 24,
            HEADER_LENGTH = 28;
    private static final VarHandle INT = JAVA_INT.varHandle();

    final MemorySegment memory;
    final int size;
    private final long eventsOffset;

    private CompletionRing(MemorySegment memory, int size, long eventsOffset) {
        this.memory = memory;
        this.size = size;
        this.eventsOffset = eventsOffset;
    }

    /** The ring of context {@code ctx}, or null when its header is not one this reader understands. */
    static CompletionRing of(long ctx) {
        MemorySegment header = MemorySegment.ofAddress(ctx).reinterpret(32);
        int size = header.get(JAVA_INT, NR);
        int headerLength = header.get(JAVA_INT, HEADER_LENGTH);
        if (header.get(JAVA_INT, MAGIC_OFFSET) != MAGIC || header.get(JAVA_INT, INCOMPAT_FEATURES) != 0 || size <= 0
                || headerLength < 32) {
            return null;
        }
        long bytes = headerLength + (long) size * KernelAbi.IO_EVENT.byteSize();
        return new CompletionRing(MemorySegment.ofAddress(ctx).reinterpret(bytes), size, headerLength);
    }

    int head() {
        return (int) INT.get(memory, HEAD);
    }

    /** The kernel's tail, read with acquire semantics: the events before it are fully written. */
    int tail() {
        return (int) INT.getAcquire(memory, TAIL);
    }

    /** Hands the events before {@code head} back to the kernel, after they have been read (release semantics). */
    void consumeTo(int head) {
        INT.setRelease(memory, HEAD, head);
    }

    long eventOffset(int index) {
        return eventsOffset + index * KernelAbi.IO_EVENT.byteSize();
    }
}
