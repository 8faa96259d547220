package io.quarkiverse.aio.vertx;

import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import io.quarkiverse.aio.AioContext;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * The aligned blocks that the files of one {@link AioFileSystem} read into and stage writes in: {@link #BLOCK} bytes
 * each, at most a fixed budget of them for all files together, allocated when first needed and reused from then on.
 * The budget matters because the library's memory counts against the JVM's direct-memory limit (by default the heap
 * size) and is freed by the garbage collector, which a small heap seldom runs. A file that finds none free waits for
 * one, first come first served, and gets it on its own Vert.x context.
 * <p>
 * While blocks are short (a file waits for one, or found none free), the pool asks the read streams, every
 * {@link #PATROL_MILLIS}, to give back what a consumer that stopped taking data keeps from others (see
 * {@link ReadAhead#shedIfStalled}): a client that stops reading cannot starve the rest.
 */
final class BlockPool {

    static final int BLOCK = 1 << 20;
    /** How often the streams holding blocks are asked to give back what they hold for a stalled consumer. */
    static final long PATROL_MILLIS = 250;

    private record Waiter(Context context, Consumer<MemorySegment> then) {
    }

    private final AioContext aio;
    private final Vertx vertx;
    private final int max;
    /** Guarded by this. */
    private final ArrayDeque<MemorySegment> free = new ArrayDeque<>();
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    /** The read streams running now: those that may hold blocks for a consumer that stopped. */
    private final Set<ReadAhead> readers = new LinkedHashSet<>();
    private boolean patrolling;
    /** A file found no block free since the last patrol. */
    private boolean shortage;
    private int allocated;

    BlockPool(Vertx vertx, AioContext aio, long budgetBytes) {
        this.vertx = vertx;
        this.aio = aio;
        this.max = (int) Math.max(2, Math.min(Integer.MAX_VALUE, budgetBytes / BLOCK));
    }

    /** How many blocks all files may hold together. */
    int capacity() {
        return max;
    }

    /** A block, or null when none is free or others already wait for one (they come first). */
    synchronized MemorySegment tryTake() {
        if (!waiters.isEmpty()) {
            return null;
        }
        MemorySegment block = free.poll();
        if (block == null && allocated < max) {
            block = aio.allocate(BLOCK);
            allocated++;
        }
        if (block == null) {
            noteShortage();
        }
        return block;
    }

    /** Whether a file waits in {@link #take} for a block: one that could keep a block for itself gives it back. */
    synchronized boolean hasWaiters() {
        return !waiters.isEmpty();
    }

    /** Hands a block to {@code then} on {@code context} as soon as one is free (never within this call). */
    void take(Context context, Consumer<MemorySegment> then) {
        MemorySegment block;
        synchronized (this) {
            block = tryTake();
            if (block == null) {
                waiters.add(new Waiter(context, then));
                noteShortage();
                return;
            }
        }
        MemorySegment taken = block;
        context.runOnContext(v -> then.accept(taken));
    }

    /** Gives a block back: only once neither the kernel nor anyone else refers to it. */
    void give(MemorySegment block) {
        Waiter waiter;
        synchronized (this) {
            waiter = waiters.poll();
            if (waiter == null) {
                free.push(block); // the most recently used first: its pages are the likeliest to be resident
                return;
            }
        }
        waiter.context().runOnContext(v -> waiter.then().accept(block));
    }

    /** A read stream started: it may come to hold blocks for a consumer that stops taking data. */
    synchronized void reading(ReadAhead reader) {
        readers.add(reader);
    }

    synchronized void doneReading(ReadAhead reader) {
        readers.remove(reader);
    }

    /** Guarded by this. */
    private void noteShortage() {
        shortage = true;
        if (!patrolling) {
            patrolling = true;
            vertx.setTimer(PATROL_MILLIS, id -> patrol());
        }
    }

    /** While blocks are short: asks every running read stream to give back what it holds for nobody. */
    private void patrol() {
        List<ReadAhead> asked;
        synchronized (this) {
            if (waiters.isEmpty() && !shortage) {
                patrolling = false;
                return;
            }
            shortage = false;
            asked = new ArrayList<>(readers);
        }
        long now = System.nanoTime();
        for (ReadAhead reader : asked) {
            reader.context().runOnContext(v -> reader.shedIfStalled(now));
        }
        vertx.setTimer(PATROL_MILLIS, id -> patrol());
    }

    /** Blocks in use now (for tests and statistics). */
    synchronized int inUse() {
        return allocated - free.size();
    }
}
