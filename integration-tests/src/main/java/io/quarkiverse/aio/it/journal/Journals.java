package io.quarkiverse.aio.it.journal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkiverse.aio.AioContext;
import io.quarkiverse.aio.it.FileStore;
import io.quarkus.runtime.ShutdownEvent;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;

/**
 * The open journals, by name. A journal is opened (and recovered) on a worker thread at its first request, and
 * reopened after a failed commit, which recovers it again.
 */
@ApplicationScoped
public class Journals {

    @Inject
    AioContext aio;

    @Inject
    Vertx vertx;

    @ConfigProperty(name = "demo.journal-dir", defaultValue = "journals")
    Path configuredDir;

    private final ConcurrentHashMap<String, CompletableFuture<Journal>> open = new ConcurrentHashMap<>();

    /**
     * Refuses a record above the limit from its {@code Content-Length}, before the REST layer reads the body into the
     * heap (the application accepts bodies of up to 1 GiB, for the file store).
     */
    void limitRecords(@Observes Router router) {
        router.route(HttpMethod.POST, "/journal/:name").order(-1000).handler(ctx -> {
            String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
            long announced;
            try {
                announced = length == null ? 0 : Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                announced = 0; // the REST layer answers it
            }
            if (announced > RecordFormat.MAX_PAYLOAD) {
                ctx.response().setStatusCode(413).putHeader(HttpHeaders.CONNECTION, "close")
                        .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain")
                        .end("a record holds at most " + RecordFormat.MAX_PAYLOAD + " bytes, this one " + announced
                                + "\n");
            } else {
                ctx.next();
            }
        });
    }

    /** The journal of that name, opened at first use. */
    CompletionStage<Journal> journal(String name) {
        if (!FileStore.isValidName(name)) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("invalid name"));
        }
        CompletableFuture<Journal> journal = open.get(name);
        if (journal == null) {
            CompletableFuture<Journal> opening = new CompletableFuture<>();
            journal = open.putIfAbsent(name, opening);
            if (journal == null) {
                journal = opening;
                openLater(name, opening);
            }
        }
        if (journal.isDone() && !journal.isCompletedExceptionally() && journal.join().failed()) {
            if (open.remove(name, journal)) {
                journal.join().close();
            }
            return journal(name);
        }
        return journal;
    }

    private void openLater(String name, CompletableFuture<Journal> opening) {
        vertx.<Journal> executeBlocking(() -> {
            Path dir = Files.createDirectories(configuredDir);
            return Journal.open(aio, name, dir.resolve(name + ".journal"));
        }, false).onComplete(result -> {
            if (result.succeeded()) {
                opening.complete(result.result());
            } else {
                open.remove(name, opening); // the next request tries again
                opening.completeExceptionally(result.cause());
            }
        });
    }

    /** Before the AIO context closes: commits in the kernel finish, what still waits is answered with a failure. */
    void close(@Observes ShutdownEvent event) throws IOException {
        for (CompletableFuture<Journal> journal : open.values()) {
            if (journal.isDone() && !journal.isCompletedExceptionally()) {
                journal.join().close();
            }
        }
        open.clear();
    }
}
