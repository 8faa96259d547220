package io.quarkiverse.aio.runtime;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Completion latencies in buckets a quarter of a power of two wide (at most 19% apart), counted without locks by the
 * thread that collects completions, read by a sampler as the difference between two moments.
 */
final class LatencyHistogram {

    private static final int BUCKETS = 64 * 4;
    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);

    void record(long nanos) {
        counts.incrementAndGet(bucket(Math.max(1, nanos)));
    }

    static int bucket(long nanos) {
        int msb = 63 - Long.numberOfLeadingZeros(nanos);
        if (msb < 2) {
            return (int) nanos; // 1..3 ns: their own buckets
        }
        return msb * 4 + (int) ((nanos >>> (msb - 2)) & 3);
    }

    /** The middle of bucket {@code i}, in nanoseconds. */
    static double middle(int i) {
        int msb = i / 4;
        if (msb < 2) {
            return i;
        }
        long lower = (4L + i % 4) << (msb - 2);
        return lower + (1L << (msb - 2)) / 2.0;
    }

    long[] snapshot() {
        long[] copy = new long[BUCKETS];
        for (int i = 0; i < BUCKETS; i++) {
            copy[i] = counts.get(i);
        }
        return copy;
    }

    /**
     * The {@code quantile} (0 to 1) of the latencies recorded between two snapshots, in nanoseconds, or NaN when there
     * were none.
     */
    static double quantile(long[] before, long[] after, double quantile) {
        long total = 0;
        for (int i = 0; i < BUCKETS; i++) {
            total += after[i] - before[i];
        }
        if (total == 0) {
            return Double.NaN;
        }
        long rank = (long) Math.ceil(quantile * total);
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += after[i] - before[i];
            if (seen >= Math.max(1, rank)) {
                return middle(i);
            }
        }
        return middle(BUCKETS - 1);
    }
}
