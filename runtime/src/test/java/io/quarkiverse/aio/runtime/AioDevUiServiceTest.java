package io.quarkiverse.aio.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkiverse.aio.AioContext;
import io.quarkiverse.aio.AioFallback;
import io.quarkiverse.aio.runtime.AioConfig.CompletionDispatch;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;

/** The figures the Dev UI card shows, for both backends. */
class AioDevUiServiceTest {

    @Test
    void figuresOfALinuxAioContext() throws Exception {
        try (AioContext aio = AioContext.builder().queueDepth(16).build()) {
            Map<String, Object> configuration = AioDevUiService.configuration(aio, CompletionDispatch.DIRECT);
            assertEquals("linux-aio", configuration.get("backend"));
            assertEquals(16, configuration.get("queue depth"));
            assertEquals("direct", configuration.get("completion dispatch"));
            Map<String, Object> counters = AioDevUiService.counters(aio);
            assertEquals("running", counters.get("poller"));
            assertEquals(0, counters.get("in flight"));
            assertEquals(true, counters.get("open"));
        }
    }

    @Test
    void figuresOfTheFallback() throws Exception {
        try (AioContext aio = AioContext.builder().fallback(AioFallback.FORCED_THREAD_POOL).build()) {
            assertEquals("thread-pool",
                    AioDevUiService.configuration(aio, CompletionDispatch.EXECUTOR).get("backend"));
        }
    }

    /**
     * A stream of rates ends after its lease (the Dev UI does not cancel the streams of a closed page), and a stream
     * cancelled or ended stops the timing of completions.
     */
    @Test
    void streamsEndAfterTheirLeaseAndStopTheTiming() throws Exception {
        try (AioContext aio = AioContext.builder().build()) {
            AioDevUiService service = new AioDevUiService();
            service.aio = aio;

            AssertSubscriber<Map<String, Object>> ended = service
                    .streamRates(Duration.ofMillis(50), Duration.ofMillis(400))
                    .subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
            ended.awaitItems(1, Duration.ofSeconds(10));
            assertNotNull(aio.observer(), "completions are timed while the stream runs");
            ended.awaitCompletion(Duration.ofSeconds(10));
            assertTrue(ended.getItems().size() >= 2, "ticks until the lease ends: " + ended.getItems().size());
            assertEquals(0, service.sampler().watchers());
            assertNull(aio.observer(), "no stream, no timing");

            AssertSubscriber<Map<String, Object>> cancelled = service
                    .streamRates(Duration.ofMillis(50), Duration.ofSeconds(60))
                    .subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
            cancelled.awaitItems(1, Duration.ofSeconds(10));
            assertEquals(1, service.sampler().watchers());
            cancelled.cancel();
            assertEquals(0, service.sampler().watchers());
            assertNull(aio.observer());
        }
    }
}
