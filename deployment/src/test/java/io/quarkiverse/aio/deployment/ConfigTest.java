package io.quarkiverse.aio.deployment;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.aio.AioContext;
import io.quarkiverse.aio.AioFile;
import io.quarkus.test.QuarkusUnitTest;

/** quarkus.aio.* settings reach the context. */
class ConfigTest {

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest().withEmptyApplication()
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
        Path dir = Files.createDirectories(Path.of("target", "aio-tests", "ConfigTest").toAbsolutePath());
        try (AioFile file = aio.open(dir.resolve("f.bin"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            // Buffered writes complete inside io_submit; the poller still collects them, so the stage completes there.
            CountDownLatch done = new CountDownLatch(1);
            AtomicReference<String> thread = new AtomicReference<>();
            MemorySegment buf = aio.allocate(16);
            for (int i = 0; i < 20 && thread.get() == null; i++) {
                file.write(buf, 0).whenComplete((n, e) -> {
                    // Only a dependent attached before completion shows the completing thread.
                    if (!Thread.currentThread().getName().equals("main")) {
                        thread.compareAndSet(null, Thread.currentThread().getName());
                        done.countDown();
                    }
                }).toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
            assertTrue(done.await(30, TimeUnit.SECONDS), "no completion ran off the caller's thread");
            assertEquals("aio-poller", thread.get());
        }
    }
}
