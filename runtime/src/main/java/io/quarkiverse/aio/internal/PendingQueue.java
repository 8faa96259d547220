package io.quarkiverse.aio.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Operations waiting in Java for a free slot of the ring. Touched only when the ring is full (its lock is never on
 * the path of an operation that finds a free slot): {@link #isEmpty()} is one volatile read.
 */
final class PendingQueue {

    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<OperationStage<?>> queue = new ArrayDeque<>();
    private volatile int size;

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    void addLast(OperationStage<?> op) {
        lock.lock();
        try {
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
        lock.lock();
        try {
            OperationStage<?> op = queue.pollFirst();
            size = queue.size();
            return op;
        } finally {
            lock.unlock();
        }
    }

    /** Takes {@code op} out; false when it is not (or no longer) waiting here. */
    boolean remove(OperationStage<?> op) {
        lock.lock();
        try {
            boolean removed = queue.removeFirstOccurrence(op);
            size = queue.size();
            return removed;
        } finally {
            lock.unlock();
        }
    }

    /** Takes every waiting operation out. */
    List<OperationStage<?>> removeAll() {
        lock.lock();
        try {
            List<OperationStage<?>> all = new ArrayList<>(queue);
            queue.clear();
            size = 0;
            return all;
        } finally {
            lock.unlock();
        }
    }
}
