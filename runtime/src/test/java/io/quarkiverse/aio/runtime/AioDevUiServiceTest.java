package io.quarkiverse.aio.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkiverse.aio.AioContext;
import io.quarkiverse.aio.AioFallback;
import io.quarkiverse.aio.runtime.AioConfig.CompletionDispatch;

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
}
