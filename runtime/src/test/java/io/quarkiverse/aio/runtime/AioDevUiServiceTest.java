package io.quarkiverse.aio.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkiverse.aio.AioContext;
import io.quarkiverse.aio.AioFallback;

/** The figures the Dev UI card shows, for both backends. */
class AioDevUiServiceTest {

    @Test
    void figuresOfALinuxAioContext() throws Exception {
        try (AioContext aio = AioContext.builder().queueDepth(16).build()) {
            Map<String, Object> figures = AioDevUiService.figures(aio);
            assertEquals("linux-aio", figures.get("backend"));
            assertEquals(16, figures.get("queue depth"));
            assertEquals("running", figures.get("poller"));
            assertEquals(0, figures.get("in flight"));
            assertEquals(true, figures.get("open"));
        }
    }

    @Test
    void figuresOfTheFallback() throws Exception {
        try (AioContext aio = AioContext.builder().fallback(AioFallback.FORCED_THREAD_POOL).build()) {
            assertEquals("thread-pool", AioDevUiService.figures(aio).get("backend"));
        }
    }
}
