package io.quarkiverse.aio.runtime;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.inject.Inject;

import io.quarkiverse.aio.AioContext;
import io.quarkiverse.aio.AioStatistics;

/** The Dev UI card's JSON-RPC service: the context's live figures, polled by the card every second. */
public class AioDevUiService {

    @Inject
    AioContext aio;

    public Map<String, Object> getFigures() {
        return figures(aio);
    }

    static Map<String, Object> figures(AioContext aio) {
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("open", aio.isOpen());
        figures.put("queue depth", aio.queueDepth());
        AioStatistics statistics = aio.statistics();
        figures.put("backend", statistics.backend());
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
