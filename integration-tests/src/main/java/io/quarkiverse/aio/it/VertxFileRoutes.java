package io.quarkiverse.aio.it;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.vertx.core.Vertx;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * A baseline of the file store's benchmark: the same Vert.x routes, streaming Vert.x's own {@code AsyncFile}
 * ({@code vertx.fileSystem().open}, blocking reads and writes on the worker pool) instead of AioFileSystem's.
 * {@code GET /vertx/files/{name}} pipes the file to the response; {@code PUT /vertx/files/{name}} pipes the body into
 * a temporary file, syncs it and renames it into place, as the store does.
 */
@ApplicationScoped
public class VertxFileRoutes {

    @Inject
    FileStore store;

    @Inject
    Vertx vertx;

    void routes(@Observes Router router) {
        router.route(HttpMethod.GET, "/vertx/files/:name").handler(this::get);
        router.route(HttpMethod.PUT, "/vertx/files/:name").handler(this::put);
    }

    private void get(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        if (!FileStore.isValidName(name)) {
            ctx.response().setStatusCode(400).end();
            return;
        }
        Path path = store.resolve(name);
        vertx.fileSystem().open(path.toString(), new OpenOptions().setWrite(false).setCreate(false))
                .onFailure(e -> ctx.response().setStatusCode(404).end())
                .onSuccess(file -> file.size().onSuccess(size -> {
                    ctx.response().putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(size))
                            .putHeader(HttpHeaders.CONTENT_TYPE, "application/octet-stream");
                    file.pipeTo(ctx.response()).onComplete(done -> file.close());
                }));
    }

    private void put(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        if (!FileStore.isValidName(name)) {
            ctx.response().setStatusCode(400).end();
            return;
        }
        ctx.request().pause();
        Path temp = store.dataDir().resolve(".vertx-" + UUID.randomUUID());
        vertx.fileSystem().open(temp.toString(), new OpenOptions().setCreateNew(true).setRead(false))
                .compose(file -> ctx.request().pipeTo(file))
                .compose(piped -> vertx.executeBlocking(() -> {
                    try (FileChannel data = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                        data.force(true);
                    }
                    Path target = store.resolve(name);
                    boolean existed = Files.exists(target);
                    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    try (FileChannel directory = FileChannel.open(store.dataDir(), StandardOpenOption.READ)) {
                        directory.force(true);
                    }
                    return existed;
                }, false))
                .onSuccess(existed -> ctx.response().setStatusCode(existed ? 204 : 201).end())
                .onFailure(e -> {
                    vertx.executeBlocking(() -> Files.deleteIfExists(temp), false);
                    ctx.response().setStatusCode(500).end(e.toString());
                });
    }
}
