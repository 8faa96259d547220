package io.quarkiverse.aio.runtime;

import java.util.LinkedHashMap;
import java.util.Map;

import io.quarkiverse.aio.AioContext;
import io.quarkiverse.aio.AioContext.CompletionObserver;
import io.quarkiverse.aio.AioFileStatistics;
import io.quarkiverse.aio.AioStatistics;

/**
 * The Dev UI's live figures of a context: rates over the time since the previous sample, from the counters the
 * context keeps anyway, and completion latencies, which are timed only while someone {@linkplain #watch watches}
 * (the observer then chained to the one metrics may have set).
 */
final class FiguresSampler {

    private final AioContext aio;
    private final LatencyHistogram latencies = new LatencyHistogram();
    private int watchers;
    private CompletionObserver before;
    /** The observer this sampler set, while it is set. */
    private CompletionObserver timing;

    FiguresSampler(AioContext aio) {
        this.aio = aio;
    }

    /** Starts timing completions, if no one did yet. */
    synchronized void watch() {
        if (watchers++ == 0) {
            before = aio.observer();
            CompletionObserver chained = before;
            timing = (queuedNanos, totalNanos, failed) -> {
                latencies.record(totalNanos);
                if (chained != null) {
                    chained.completed(queuedNanos, totalNanos, failed);
                }
            };
            aio.observe(timing);
        }
    }

    /**
     * Stops timing once the last watcher went, giving the context back the observer it had, unless someone set
     * another meanwhile (that one stays).
     */
    synchronized void unwatch() {
        if (watchers > 0 && --watchers == 0) {
            if (aio.observer() == timing) {
                aio.observe(before);
            }
            before = null;
            timing = null;
        }
    }

    /** How many streams watch now (tests). */
    synchronized int watchers() {
        return watchers;
    }

    /** One watcher's series: each {@link #next} gives the rates since the one before. */
    Series series() {
        return new Series();
    }

    final class Series {
        private long nanos = System.nanoTime();
        private AioFileStatistics files = aio.statistics().files();
        private long[] histogram = latencies.snapshot();

        Map<String, Object> next() {
            long now = System.nanoTime();
            AioStatistics statistics = aio.statistics();
            AioFileStatistics totals = statistics.files();
            long[] histogramNow = latencies.snapshot();
            double seconds = Math.max(1e-3, (now - nanos) / 1e9);
            long reads = totals.reads() - files.reads();
            long writes = totals.writes() - files.writes();
            long syncs = totals.syncs() - files.syncs();
            Map<String, Object> sample = new LinkedHashMap<>();
            sample.put("time", System.currentTimeMillis());
            sample.put("reads", Math.round(reads / seconds));
            sample.put("writes", Math.round(writes / seconds));
            sample.put("syncs", Math.round(syncs / seconds));
            sample.put("bytesRead", Math.round((totals.bytesRead() - files.bytesRead()) / seconds));
            sample.put("bytesWritten", Math.round((totals.bytesWritten() - files.bytesWritten()) / seconds));
            sample.put("inFlight", statistics.inFlight());
            sample.put("queued", statistics.queued());
            sample.put("p50Micros", micros(LatencyHistogram.quantile(histogram, histogramNow, 0.50)));
            sample.put("p99Micros", micros(LatencyHistogram.quantile(histogram, histogramNow, 0.99)));
            nanos = now;
            files = totals;
            histogram = histogramNow;
            return sample;
        }
    }

    /** Null when nothing completed in the interval: the chart leaves a gap rather than draw a zero latency. */
    private static Double micros(double nanos) {
        return Double.isNaN(nanos) ? null : Math.round(nanos / 100.0) / 10.0;
    }
}
