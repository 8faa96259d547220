package io.quarkiverse.aio.deployment;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.sun.nio.file.ExtendedOpenOption;

import io.quarkiverse.aio.AioContext;
import io.quarkiverse.aio.AioFile;
import io.quarkus.test.QuarkusUnitTest;

/** {@code @Inject AioContext} works with no configuration, and does real I/O. */
class InjectionTest {

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClass(CompletionThreads.class));

    @Inject
    AioContext aio;

    @Test
    void injectedContextWritesAndReads() throws Exception {
        assertTrue(aio.isOpen());
        assertEquals(256, aio.queueDepth(), "the documented default");
        assertEquals(65536, aio.settings().maxQueued(), "the documented default");
        var settings = aio.settings(); // the defaults of docs/, which the benchmarks measure
        assertNull(settings.completionExecutor(), "completion-dispatch=direct");
        assertEquals(java.time.Duration.ofMillis(10), settings.pollerStallThreshold());
        assertEquals(java.time.Duration.ofSeconds(10), settings.shutdownTimeout());
        assertEquals(io.quarkiverse.aio.CloseableArenaBuffers.COPY, settings.closeableArenaBuffers());
        assertTrue(settings.userspaceReap());
        assertEquals(io.quarkiverse.aio.SubmitBatching.AUTO, settings.submitBatching());
        assertFalse(settings.completionEventFd());
        assertEquals(io.quarkiverse.aio.AioFallback.NONE, settings.fallback());
        assertNotNull(settings.pollerExecutor(), "the poller runs on the managed executor");
        assertNotNull(settings.callerExecutor(), "Vert.x event-loop capture");
        Path dir = Files.createDirectories(Path.of("target", "aio-tests", "InjectionTest").toAbsolutePath());
        try (AioFile file = aio.open(dir.resolve("f.bin"), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT)) {
            MemorySegment out = file.allocate(4096);
            out.fill((byte) 9);
            assertEquals(4096, file.write(out, 0).toCompletableFuture().get(30, TimeUnit.SECONDS));
            MemorySegment in = file.allocate(4096);
            assertEquals(4096, file.read(in, 0).toCompletableFuture().get(30, TimeUnit.SECONDS));
            assertEquals(9, in.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 4095));
        }
        // By default a stage completes where its completion was collected, without a hand-off: on the poller.
        assertEquals(java.util.Set.of("aio-poller"), CompletionThreads.of(aio, "InjectionTest"));
    }
}
