package io.quarkiverse.aio.deployment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.aio.vertx.AioFileSystem;
import io.quarkus.test.QuarkusUnitTest;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.FileSystemException;
import io.vertx.core.file.OpenOptions;

/**
 * With Vert.x in the application, {@code AioFileSystem} and its Mutiny form are beans, and a file opened on a worker
 * context completes there, as Vert.x's own {@code AsyncFile} does.
 */
class VertxFileSystemTest {

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest().withEmptyApplication();

    @Inject
    AioFileSystem files;

    @Inject
    io.quarkiverse.aio.vertx.mutiny.AioFileSystem mutinyFiles;

    @Inject
    Vertx vertx;

    @Test
    void aFileOpenedOnAWorkerContextCompletesThere() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "aio-tests", "VertxFileSystemTest").toAbsolutePath());
        String path = dir.resolve("worker.bin").toString();
        Context worker = ((io.vertx.core.impl.VertxInternal) vertx).createWorkerContext();
        CompletableFuture<String> threads = new CompletableFuture<>();
        worker.runOnContext(v -> files.open(path, new OpenOptions())
                .compose(file -> file.write(Buffer.buffer("worker")).compose(w -> {
                    String where = Vertx.currentContext() == worker && Context.isOnWorkerThread() ? "worker" : "elsewhere: "
                            + Thread.currentThread().getName();
                    return file.close().map(where);
                })).onComplete(r -> {
                    if (r.succeeded()) {
                        threads.complete(r.result());
                    } else {
                        threads.completeExceptionally(r.cause());
                    }
                }));
        assertEquals("worker", threads.get(30, TimeUnit.SECONDS));
        assertArrayEquals("worker".getBytes(), Files.readAllBytes(Path.of(path)));
    }

    @Test
    void theMutinyFormOpensMutinyFiles() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "aio-tests", "VertxFileSystemTest").toAbsolutePath());
        String path = dir.resolve("mutiny.bin").toString();
        io.vertx.mutiny.core.file.AsyncFile file = mutinyFiles.open(path, new OpenOptions()).await()
                .atMost(Duration.ofSeconds(30));
        file.write(io.vertx.mutiny.core.buffer.Buffer.buffer("mutiny")).await().atMost(Duration.ofSeconds(30));
        file.close().await().atMost(Duration.ofSeconds(30));
        assertArrayEquals("mutiny".getBytes(), Files.readAllBytes(Path.of(path)));
        Throwable missing = mutinyFiles.open(dir.resolve("none").toString(), new OpenOptions().setCreate(false))
                .onItemOrFailure().transform((f, e) -> e).await().atMost(Duration.ofSeconds(30));
        assertInstanceOf(FileSystemException.class, missing);
        assertTrue(missing.getMessage().contains("none"), missing.getMessage());
        assertFalse(Files.exists(dir.resolve("none")));
    }
}
