package io.quarkiverse.aio.it;

import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.function.Consumer;

import io.quarkiverse.aio.AioContext;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * The transfer buffers of the file store: 1 MiB each, aligned for direct I/O, at most {@link #MAX} of them for all
 * transfers together, reused from one transfer to the next. The library's memory counts against the JVM's direct
 * memory limit (by default the heap size, so 64 MiB with {@code -Xmx64m}), and it is freed by the garbage collector,
 * which a small heap with little garbage seldom runs: a fixed budget keeps both in bounds. A transfer that finds no
 * buffer free waits for one (it is handed over on the transfer's own event loop) rather than fail.
 */
final class BufferPool {

    static final int CHUNK = 1 << 20;
    static final int MAX = 40;

    private record Waiter(Context context, Consumer<MemorySegment> then) {
    }

    private final AioContext aio;
    /** Guarded by this. */
    private final ArrayDeque<MemorySegment> free = new ArrayDeque<>();
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    private int allocated;

    BufferPool(AioContext aio) {
        this.aio = aio;
    }

    /** A buffer, or null when all {@link #MAX} are in use. */
    synchronized MemorySegment tryTake() {
        MemorySegment buffer = free.poll();
        if (buffer == null && allocated < MAX) {
            buffer = aio.allocate(CHUNK);
            allocated++;
        }
        return buffer;
    }

    /** Hands a buffer to {@code then}, now or, on the caller's Vert.x context, as soon as one is given back. */
    void take(Consumer<MemorySegment> then) {
        MemorySegment buffer;
        synchronized (this) {
            buffer = tryTake();
            if (buffer == null) {
                waiters.add(new Waiter(Vertx.currentContext(), then));
                return;
            }
        }
        then.accept(buffer);
    }

    /** Only once nothing (kernel or socket) refers to it any more. */
    void give(MemorySegment buffer) {
        Waiter waiter;
        synchronized (this) {
            waiter = waiters.poll();
            if (waiter == null) {
                free.add(buffer);
                return;
            }
        }
        if (waiter.context() != null) {
            waiter.context().runOnContext(v -> waiter.then().accept(buffer));
        } else {
            waiter.then().accept(buffer);
        }
    }
}
