package io.quarkiverse.aio.deployment;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.aio.AioContext;
import io.quarkiverse.aio.AioFile;
import io.quarkus.test.QuarkusUnitTest;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/** An operation started on a Vert.x context completes on that context, as Vert.x code expects. */
class VertxContextTest {

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest().withEmptyApplication();

    @Inject
    AioContext aio;

    @Inject
    Vertx vertx;

    @Test
    void completionResumesOnTheSubmittingContext() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "aio-tests", "VertxContextTest").toAbsolutePath());
        try (AioFile file = aio.open(dir.resolve("f.bin"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            Context context = vertx.getOrCreateContext();
            CompletableFuture<Boolean> sameContext = new CompletableFuture<>();
            context.runOnContext(ignored -> {
                // Attached before this handler returns; the completion is queued behind it on the context.
                file.write(aio.allocate(16), 0).whenComplete((n, e) -> sameContext.complete(
                        Vertx.currentContext() == context && Context.isOnEventLoopThread()));
            });
            assertTrue(sameContext.get(30, TimeUnit.SECONDS), "completed on the submitting Vert.x context");

            // Off Vert.x, completions stay on the managed executor.
            String thread = file.write(aio.allocate(16), 0).thenApply(n -> Thread.currentThread().getName())
                    .toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertFalse(thread.contains("eventloop"), thread);
        }
    }
}
