package io.quarkiverse.aio.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.aio.AioContext;
import io.quarkus.test.QuarkusUnitTest;

/** quarkus.aio.* settings reach the context. */
class ConfigTest {

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClass(CompletionThreads.class))
            .overrideConfigKey("quarkus.aio.queue-depth", "7")
            .overrideConfigKey("quarkus.aio.completion-dispatch", "poller");

    @Inject
    AioContext aio;

    @Test
    void queueDepth() {
        assertEquals(7, aio.queueDepth());
    }

    @Test
    void pollerDispatchCompletesOnThePollerThread() throws Exception {
        assertEquals(Set.of("aio-poller"), CompletionThreads.of(aio, "ConfigTest"));
    }
}
