package io.quarkiverse.aio.it;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import io.quarkiverse.aio.AioContext;

/**
 * The transfer buffers of the file store: 1 MiB, aligned for direct I/O, reused from one transfer to the next so that
 * memory stays bounded (the library's memory is freed by the garbage collector, which a 64 MiB heap with little
 * garbage seldom runs). At most {@link #KEPT} are kept; more are allocated under load and left to the collector.
 */
final class BufferPool {

    static final int CHUNK = 1 << 20;
    static final int KEPT = 64;

    private final AioContext aio;
    private final ConcurrentLinkedQueue<MemorySegment> free = new ConcurrentLinkedQueue<>();
    private final AtomicInteger kept = new AtomicInteger();

    BufferPool(AioContext aio) {
        this.aio = aio;
    }

    MemorySegment take() {
        MemorySegment buffer = free.poll();
        if (buffer == null) {
            return aio.allocate(CHUNK);
        }
        kept.decrementAndGet();
        return buffer;
    }

    /** Only once nothing (kernel or socket) refers to it any more. */
    void give(MemorySegment buffer) {
        if (kept.incrementAndGet() <= KEPT) {
            free.add(buffer);
        } else {
            kept.decrementAndGet();
        }
    }
}
