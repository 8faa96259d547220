package io.quarkiverse.aio.deployment;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.sun.nio.file.ExtendedOpenOption;

import io.quarkiverse.aio.AioClosedException;
import io.quarkiverse.aio.AioContext;
import io.quarkiverse.aio.AioFile;
import io.quarkus.test.QuarkusUnitTest;

/**
 * When the application stops with operations in flight, every stage completes (written or closed), the context is
 * closed and the kernel context is gone (this process maps no more AIO ring than before).
 */
class ShutdownTest {

    /**
     * The test instance lives in the application's class loader and the after-all hook in the test's, so the check
     * travels as a JDK type through the system properties.
     */
    static final String CHECK = ShutdownTest.class.getName() + ".afterStop";
    static long aioNrBefore;

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest().withEmptyApplication()
            .overrideConfigKey("quarkus.aio.queue-depth", "16")
            .overrideConfigKey("quarkus.aio.shutdown-timeout", "5s")
            .setBeforeAllCustomizer(() -> aioNrBefore = aioNr())
            .setAfterAllCustomizer(() -> ((Runnable) System.getProperties().remove(CHECK)).run());

    @Inject
    AioContext aio;

    @Test
    void leaveOperationsInFlight() throws Exception {
        assertTrue(aioNr() > aioNrBefore, "the application holds a kernel context");
        Path dir = Files.createDirectories(Path.of("target", "aio-tests", "ShutdownTest").toAbsolutePath());
        AioFile file = aio.open(dir.resolve("f.bin"), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                ExtendedOpenOption.DIRECT);
        List<CompletableFuture<Integer>> stages = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            stages.add(file.write(file.allocate(4096), i * 4096L).toCompletableFuture());
        }
        long before = aioNrBefore;
        System.getProperties().put(CHECK, (Runnable) () -> afterStop(aio, file, stages, before));
    }

    static void afterStop(AioContext context, AioFile file, List<CompletableFuture<Integer>> stages, long aioNrBefore) {
        assertFalse(context.isOpen(), "the context is closed with the application");
        assertFalse(file.isOpen(), "its files are closed");
        for (CompletableFuture<Integer> stage : stages) {
            assertTrue(stage.isDone());
            try {
                assertEquals(4096, stage.join());
            } catch (java.util.concurrent.CompletionException e) {
                assertInstanceOf(AioClosedException.class, e.getCause());
            }
        }
        assertEquals(aioNrBefore, aioNr(), "the kernel context is destroyed");
    }

    static long aioNr() {
        try {
            // The rings this process maps: unlike fs.aio-nr, other processes' AIO does not move it.
            return Files.readAllLines(Path.of("/proc/self/maps")).stream().filter(l -> l.contains("/[aio]")).count();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
