package io.quarkiverse.aio.bench;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts operations and their latencies during the measured window, without allocating: a log-linear histogram
 * (16 sub-buckets per power of two, so values are within about 6 % of the truth).
 */
final class Recorder {

    private static final int SUB_BITS = 4;
    private static final int SUB = 1 << SUB_BITS;
    private final AtomicLongArray buckets = new AtomicLongArray(64 * SUB);
    private final LongAdder operations = new LongAdder();
    private volatile boolean recording;

    void start() {
        for (int i = 0; i < buckets.length(); i++) {
            buckets.set(i, 0);
        }
        operations.reset();
        recording = true;
    }

    void stop() {
        recording = false;
    }

    void record(long latencyNanos) {
        if (recording) {
            operations.increment();
            buckets.incrementAndGet(bucket(Math.max(1, latencyNanos)));
        }
    }

    long operations() {
        return operations.sum();
    }

    private static int bucket(long value) {
        int magnitude = 63 - Long.numberOfLeadingZeros(value);
        if (magnitude < SUB_BITS) {
            return (int) value;
        }
        int sub = (int) ((value >>> (magnitude - SUB_BITS)) & (SUB - 1));
        return (magnitude - SUB_BITS + 1) * SUB + sub;
    }

    private static long lowerBound(int bucket) {
        if (bucket < SUB) {
            return bucket;
        }
        int magnitude = bucket / SUB + SUB_BITS - 1;
        long sub = bucket % SUB;
        return (1L << magnitude) | (sub << (magnitude - SUB_BITS));
    }

    /** The latency below which {@code fraction} of the recorded operations fall, in nanoseconds. */
    long percentile(double fraction) {
        long total = 0;
        for (int i = 0; i < buckets.length(); i++) {
            total += buckets.get(i);
        }
        long rank = (long) Math.ceil(total * fraction);
        long seen = 0;
        for (int i = 0; i < buckets.length(); i++) {
            seen += buckets.get(i);
            if (seen >= rank && seen > 0) {
                return lowerBound(i);
            }
        }
        return 0;
    }
}
