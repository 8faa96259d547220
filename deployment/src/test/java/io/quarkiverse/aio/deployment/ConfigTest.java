package io.quarkiverse.aio.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
            .overrideConfigKey("quarkus.aio.completion-dispatch", "executor");

    @Inject
    AioContext aio;

    @Test
    void queueDepth() {
        assertEquals(7, aio.queueDepth());
    }

    @Test
    void executorDispatchCompletesOnTheManagedExecutor() throws Exception {
        Set<String> threads = CompletionThreads.of(aio, "ConfigTest");
        assertTrue(threads.stream().allMatch(t -> t.startsWith("executor-thread-")), threads.toString());
    }
}
