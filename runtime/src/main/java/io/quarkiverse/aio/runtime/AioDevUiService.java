package io.quarkiverse.aio.runtime;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.inject.Inject;

import io.quarkiverse.aio.AioContext;
import io.quarkiverse.aio.AioSettings;
import io.quarkiverse.aio.AioStatistics;
import io.smallrye.mutiny.Multi;

/**
 * The Dev UI card's JSON-RPC service: the context's configuration and counters ({@link #getFigures}), and a stream of
 * rates and latencies once a second ({@link #streamRates}) for the card's charts.
 */
public class AioDevUiService {

    @Inject
    AioContext aio;

    @Inject
    AioConfig config;

    private volatile FiguresSampler sampler;

    /** The context's configuration and its counters since it started, as two tables. */
    public Map<String, Map<String, Object>> getFigures() {
        return Map.of("configuration", configuration(aio, config.completionDispatch()), "counters", counters(aio));
    }

    /**
     * How long one stream lasts; the card subscribes again before it ends. The Dev UI does not cancel the streams of
     * a page that was closed or reloaded (only an unsubscribe from a live page does), so without an end such a stream
     * would tick, and keep completions timed, for the application's life.
     */
    static final Duration LEASE = Duration.ofSeconds(60);

    /**
     * Every second, the rates since the second before: reads, writes and syncs per second, bytes read and written per
     * second, in flight and queued now, and the p50 and p99 completion latency in microseconds (timed only while a
     * stream is open). Each stream ends after {@link #LEASE}.
     */
    public Multi<Map<String, Object>> streamRates() {
        return streamRates(Duration.ofSeconds(1), LEASE);
    }

    Multi<Map<String, Object>> streamRates(Duration every, Duration lease) {
        FiguresSampler shared = sampler();
        return Multi.createFrom().deferred(() -> {
            FiguresSampler.Series series = shared.series();
            return Multi.createFrom().ticks().every(every).map(tick -> series.next()).select().first(lease);
        }).onSubscription().invoke(shared::watch).onTermination().invoke(shared::unwatch);
    }

    FiguresSampler sampler() {
        FiguresSampler current = sampler;
        if (current == null) {
            synchronized (this) {
                if (sampler == null) {
                    sampler = new FiguresSampler(aio);
                }
                current = sampler;
            }
        }
        return current;
    }

    static Map<String, Object> configuration(AioContext aio, AioConfig.CompletionDispatch dispatch) {
        Map<String, Object> figures = new LinkedHashMap<>();
        AioSettings settings = aio.settings();
        figures.put("backend", aio.statistics().backend());
        figures.put("queue depth", aio.queueDepth());
        figures.put("max queued in Java", settings.maxQueued());
        figures.put("completion dispatch", dispatch.toString().toLowerCase());
        figures.put("submit batching", settings.submitBatching().toString().toLowerCase());
        figures.put("userspace reap", settings.userspaceReap());
        figures.put("alignment of AioContext.allocate()", "4096 bytes");
        return figures;
    }

    static Map<String, Object> counters(AioContext aio) {
        Map<String, Object> figures = new LinkedHashMap<>();
        AioStatistics statistics = aio.statistics();
        figures.put("open", aio.isOpen());
        figures.put("poller", statistics.pollerRunning() ? "running" : "stopped");
        figures.put("in flight", statistics.inFlight());
        figures.put("queued in Java", statistics.queued());
        figures.put("submitted", statistics.submitted());
        figures.put("completed", statistics.completed());
        figures.put("failed", statistics.failed());
        figures.put("io_submit calls", statistics.ioSubmitCalls());
        figures.put("io_getevents calls", statistics.ioGeteventsCalls());
        figures.put("completions read from the ring", statistics.ringCompletions());
        figures.put("RWF_NOWAIT retries", statistics.nowaitRetries());
        figures.put("poller stalls", statistics.pollerStalls());
        return figures;
    }
}
