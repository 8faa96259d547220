package io.quarkiverse.aio.runtime;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.inject.Inject;

import io.quarkiverse.aio.AioContext;
import io.quarkiverse.aio.internal.AioEngine;

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
        if (aio instanceof AioEngine engine) {
            figures.put("backend", "Linux AIO");
            figures.put("poller", engine.pollerAlive() ? "running" : "stopped");
            figures.put("in flight", engine.inFlight());
            figures.put("queued in Java", engine.queued());
            figures.put("submitted", engine.submittedCount());
            AioEngine.PollerStatistics poller = engine.pollerStatistics();
            figures.put("io_getevents calls", poller.ioGeteventsCalls());
            figures.put("completions read from the ring", poller.ringEvents());
            figures.put("RWF_NOWAIT retries", engine.nowaitRetries());
        } else {
            figures.put("backend", "thread-pool fallback");
        }
        return figures;
    }
}
