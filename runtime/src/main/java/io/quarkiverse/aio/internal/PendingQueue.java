package io.quarkiverse.aio.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Operations waiting in Java for a free slot of the ring. Touched only when the ring is full (its lock is never on
 * the path of an operation that finds a free slot): {@link #isEmpty()} is one volatile read.
 */
final class PendingQueue {

    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<OperationStage<?>> queue = new ArrayDeque<>();
    private volatile int size;
    /** At most this many wait (operations requeued after EAGAIN or retried are let in past it). */
    private final int limit;
    /** Stages of {@link #room()} waiting for the queue to fall below the limit; guarded by the lock. */
    private final List<CompletableFuture<Void>> roomWaiters = new ArrayList<>();

    PendingQueue(int limit) {
        this.limit = limit;
    }

    /** Whether a new operation may wait here (the limit is not reached). */
    boolean hasRoom() {
        return size < limit;
    }

    int limit() {
        return limit;
    }

    /** A stage that completes when there is room: at once, or when the queue falls below the limit. */
    CompletionStage<Void> room() {
        if (hasRoom()) {
            return CompletableFuture.completedStage(null);
        }
        CompletableFuture<Void> waiter = new CompletableFuture<>();
        lock.lock();
        try {
            roomWaiters.add(waiter);
        } finally {
            lock.unlock();
        }
        if (hasRoom()) {
            wakeRoomWaiters(); // room came while it registered
        }
        return waiter.minimalCompletionStage();
    }

    private void wakeRoomWaiters() {
        List<CompletableFuture<Void>> woken;
        lock.lock();
        try {
            if (roomWaiters.isEmpty()) {
                return;
            }
            woken = new ArrayList<>(roomWaiters);
            roomWaiters.clear();
        } finally {
            lock.unlock();
        }
        woken.forEach(waiter -> waiter.complete(null));
    }

    /** After an operation left: wakes the room waiters once there is room. */
    private void left(OperationStage<?> op) {
        op.file.counters.queued.decrementAndGet();
        if (size < limit && !roomWaitersEmpty()) {
            wakeRoomWaiters();
        }
    }

    private boolean roomWaitersEmpty() {
        return roomWaiters.isEmpty(); // racy: a waiter registering meanwhile checks for room itself
    }

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    void addLast(OperationStage<?> op) {
        lock.lock();
        try {
            op.file.counters.queued.incrementAndGet(); // before any poll can take it out and count it down
            queue.addLast(op);
            size = queue.size();
        } finally {
            lock.unlock();
        }
    }

    /** Puts operations the kernel had no room for back in front, keeping their order. */
    void addFirst(List<OperationStage<?>> ops) {
        lock.lock();
        try {
            for (int i = ops.size() - 1; i >= 0; i--) {
                ops.get(i).file.counters.queued.incrementAndGet();
                queue.addFirst(ops.get(i));
            }
            size = queue.size();
        } finally {
            lock.unlock();
        }
    }

    void addFirst(OperationStage<?> op) {
        addFirst(List.of(op));
    }

    /** The first operation, removed; null when none waits. */
    OperationStage<?> poll() {
        if (size == 0) {
            return null;
        }
        OperationStage<?> op;
        lock.lock();
        try {
            op = queue.pollFirst();
            size = queue.size();
        } finally {
            lock.unlock();
        }
        if (op != null) {
            left(op);
        }
        return op;
    }

    /** Takes {@code op} out; false when it is not (or no longer) waiting here. */
    boolean remove(OperationStage<?> op) {
        boolean removed;
        lock.lock();
        try {
            removed = queue.removeFirstOccurrence(op);
            size = queue.size();
        } finally {
            lock.unlock();
        }
        if (removed) {
            left(op);
        }
        return removed;
    }

    /** Takes every waiting operation out. */
    List<OperationStage<?>> removeAll() {
        List<OperationStage<?>> all;
        lock.lock();
        try {
            all = new ArrayList<>(queue);
            queue.clear();
            size = 0;
        } finally {
            lock.unlock();
        }
        all.forEach(this::left);
        return all;
    }
}
