package io.quarkiverse.aio.deployment;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.aio.AioContext;
import io.quarkiverse.aio.AioFile;
import io.quarkus.test.QuarkusUnitTest;

/** quarkus.aio.fallback=forced-thread-pool: what a macOS laptop gets with fallback=thread-pool, forced on Linux. */
class FallbackConfigTest {

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest().withEmptyApplication()
            .overrideConfigKey("quarkus.aio.fallback", "forced-thread-pool");

    @Inject
    AioContext aio;

    @Test
    void injectedContextIsTheThreadPoolFallbackAndWorks() throws Exception {
        assertTrue(aio.toString().contains("thread-pool fallback"), aio.toString());
        Path dir = Files.createDirectories(Path.of("target", "aio-tests", "FallbackConfigTest").toAbsolutePath());
        try (AioFile file = aio.open(dir.resolve("f.bin"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            assertEquals(5, file.write(aio.allocate(5), 0).toCompletableFuture().get(30, TimeUnit.SECONDS));
        }
    }
}
