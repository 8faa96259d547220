package io.quarkiverse.aio.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The buckets of the Dev UI's latency histogram, and its quantiles, against values known in advance. */
class LatencyHistogramTest {

    @Test
    void everyValueFallsInABucketWhoseMiddleIsWithinAnEighthOfIt() {
        for (long nanos = 1; nanos > 0 && nanos < Long.MAX_VALUE / 3; nanos = nanos * 3 + 1) {
            int bucket = LatencyHistogram.bucket(nanos);
            assertTrue(bucket >= 0 && bucket < 256, nanos + " -> " + bucket);
            double middle = LatencyHistogram.middle(bucket);
            assertTrue(Math.abs(middle - nanos) <= nanos / 8.0 + 1, nanos + " in a bucket around " + middle);
        }
        assertEquals(1.0, LatencyHistogram.middle(LatencyHistogram.bucket(1)));
        assertEquals(3.0, LatencyHistogram.middle(LatencyHistogram.bucket(3)));
        assertTrue(LatencyHistogram.bucket(4096) < LatencyHistogram.bucket(4097 + 1024), "wider values, later buckets");
    }

    @Test
    void quantilesOfTheValuesRecordedBetweenTwoSnapshots() {
        LatencyHistogram histogram = new LatencyHistogram();
        for (int i = 0; i < 50; i++) {
            histogram.record(7_000_000); // before the first snapshot: not counted
        }
        long[] before = histogram.snapshot();
        assertTrue(Double.isNaN(LatencyHistogram.quantile(before, histogram.snapshot(), 0.5)), "nothing recorded since");
        for (int i = 0; i < 98; i++) {
            histogram.record(20_000); // 20 us
        }
        histogram.record(1_000_000); // 1 ms
        histogram.record(2_000_000); // 2 ms
        long[] after = histogram.snapshot();
        double p50 = LatencyHistogram.quantile(before, after, 0.50);
        double p98 = LatencyHistogram.quantile(before, after, 0.98);
        double p99 = LatencyHistogram.quantile(before, after, 0.99);
        double max = LatencyHistogram.quantile(before, after, 1.0);
        assertTrue(Math.abs(p50 - 20_000) < 20_000 / 8.0, "p50 " + p50);
        assertTrue(Math.abs(p98 - 20_000) < 20_000 / 8.0, "p98 " + p98);
        assertTrue(Math.abs(p99 - 1_000_000) < 1_000_000 / 8.0, "p99 " + p99);
        assertTrue(Math.abs(max - 2_000_000) < 2_000_000 / 8.0, "max " + max);
    }
}
