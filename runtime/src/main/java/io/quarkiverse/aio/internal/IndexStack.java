package io.quarkiverse.aio.internal;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A lock-free stack of the indices {@code 0..capacity-1} (a Treiber stack over an array): the free slots of the
 * ring, the free blocks of a size class. One compare-and-set per push or pop, no allocation. The head word packs a
 * tag, the number of entries and the top index, so that a pop cannot be fooled by an index that was popped and
 * pushed back meanwhile (ABA), and so that the count is exact.
 */
final class IndexStack {

    /** Indices take 17 bits (top + 1, so 0 means empty), the count 17 bits, the tag the 30 above. */
    static final int MAX_CAPACITY = (1 << 16) - 1;
    private static final int FIELD_BITS = 17;
    private static final long FIELD_MASK = (1L << FIELD_BITS) - 1;
    private static final long TAG_UNIT = 1L << (2 * FIELD_BITS);

    private final int[] next;
    private final AtomicLong head = new AtomicLong();

    /** A stack holding {@code 0..initiallyFull-1}, with room for {@code capacity} indices. */
    IndexStack(int capacity, int initiallyFull) {
        if (capacity < 1 || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException("capacity " + capacity);
        }
        this.next = new int[capacity];
        for (int i = initiallyFull - 1; i >= 0; i--) {
            push(i);
        }
    }

    /** The top index, removed; -1 when empty. */
    int pop() {
        for (;;) {
            long h = head.get();
            int top = (int) (h & FIELD_MASK) - 1;
            if (top < 0) {
                return -1;
            }
            long count = (h >>> FIELD_BITS) & FIELD_MASK;
            long below = next[top] + 1L; // stale when another thread popped it meanwhile: the tag then fails the CAS
            if (head.compareAndSet(h, tagged(h, count - 1, below))) {
                return top;
            }
        }
    }

    void push(int index) {
        for (;;) {
            long h = head.get();
            next[index] = (int) (h & FIELD_MASK) - 1;
            long count = (h >>> FIELD_BITS) & FIELD_MASK;
            if (head.compareAndSet(h, tagged(h, count + 1, index + 1L))) {
                return;
            }
        }
    }

    /** How many indices the stack holds now. */
    int size() {
        return (int) ((head.get() >>> FIELD_BITS) & FIELD_MASK);
    }

    private static long tagged(long previous, long count, long topPlusOne) {
        long tag = (previous & ~(TAG_UNIT - 1)) + TAG_UNIT; // wraps after 2^30 changes
        return tag | (count << FIELD_BITS) | topPlusOne;
    }
}
