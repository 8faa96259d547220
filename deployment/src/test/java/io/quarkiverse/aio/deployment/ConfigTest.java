package io.quarkiverse.aio.deployment;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.Set;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.aio.AioContext;
import io.quarkiverse.aio.AioFallback;
import io.quarkiverse.aio.AioSettings;
import io.quarkiverse.aio.CloseableArenaBuffers;
import io.quarkiverse.aio.SubmitBatching;
import io.quarkus.test.QuarkusUnitTest;

/**
 * Every quarkus.aio.* key reaches the context, each set away from its default (the defaults themselves are checked
 * by InjectionTest), and those that change behaviour visibly are seen doing so.
 */
class ConfigTest {

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClass(CompletionThreads.class))
            .overrideConfigKey("quarkus.aio.queue-depth", "7")
            .overrideConfigKey("quarkus.aio.max-queued", "1234")
            .overrideConfigKey("quarkus.aio.completion-dispatch", "executor")
            .overrideConfigKey("quarkus.aio.poller-stall-threshold", "250ms")
            .overrideConfigKey("quarkus.aio.shutdown-timeout", "3s")
            .overrideConfigKey("quarkus.aio.closeable-arena-buffers", "trust")
            .overrideConfigKey("quarkus.aio.userspace-reap", "false")
            .overrideConfigKey("quarkus.aio.submit-batching", "never")
            .overrideConfigKey("quarkus.aio.completion-eventfd", "true")
            .overrideConfigKey("quarkus.aio.fallback", "thread-pool");

    @Inject
    AioContext aio;

    @Test
    void everyKeyReachesTheContext() {
        AioSettings settings = aio.settings();
        assertEquals(7, aio.queueDepth());
        assertEquals(1234, settings.maxQueued());
        assertNotNull(settings.completionExecutor(), "completion-dispatch=executor");
        assertEquals(Duration.ofMillis(250), settings.pollerStallThreshold());
        assertEquals(Duration.ofSeconds(3), settings.shutdownTimeout());
        assertEquals(CloseableArenaBuffers.TRUST, settings.closeableArenaBuffers());
        assertFalse(settings.userspaceReap());
        assertEquals(SubmitBatching.NEVER, settings.submitBatching());
        assertTrue(settings.completionEventFd());
        assertEquals(AioFallback.THREAD_POOL, settings.fallback());
        assertTrue(aio.completionEventFd().isPresent(), "completion-eventfd=true hands out an eventfd");
        assertEquals("linux-aio", aio.statistics().backend(), "thread-pool is only a fallback");
    }

    @Test
    void executorDispatchCompletesOnTheManagedExecutor() throws Exception {
        Set<String> threads = CompletionThreads.of(aio, "ConfigTest");
        assertTrue(threads.stream().allMatch(t -> t.startsWith("executor-thread-")), threads.toString());
        assertTrue(aio.statistics().ioGeteventsCalls() > 0, "userspace-reap=false collects with io_getevents");
        assertEquals(0, aio.statistics().ringCompletions());
    }
}
