package io.quarkiverse.aio.it;

import java.io.IOException;
import java.util.concurrent.Callable;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkiverse.aio.AioException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The demo's HTTP face, on Vert.x routes so that transfers stream on the event loop with AIO completions there:
 * {@code GET}/{@code HEAD}/{@code PUT}/{@code DELETE} on {@code /files/{name}} with ranges, ETags and conditional
 * requests, and {@code GET /files} listing the store page by page. Metadata calls (open, stat, rename) run on a worker
 * thread for a moment; no thread is held while bytes move.
 */
@ApplicationScoped
public class FileStoreRoutes {

    private static final Logger LOG = Logger.getLogger(FileStoreRoutes.class);
    static final String INVALID_NAME = "Names are 1 to 128 letters, digits, '.', '_' or '-', not starting with '.'\n";
    static final int MAX_PAGE = 1000;

    @Inject
    FileStore store;

    @Inject
    Vertx vertx;

    void routes(@Observes Router router) {
        router.route(HttpMethod.GET, "/files").handler(this::list);
        router.route(HttpMethod.GET, "/files/:name").handler(ctx -> get(ctx, true));
        router.route(HttpMethod.HEAD, "/files/:name").handler(ctx -> get(ctx, false));
        router.route(HttpMethod.PUT, "/files/:name").handler(this::put);
        router.route(HttpMethod.DELETE, "/files/:name").handler(this::delete);
    }

    private <T> Future<T> blocking(Callable<T> work) {
        return vertx.executeBlocking(work, false);
    }

    private void get(RoutingContext ctx, boolean body) {
        String name = ctx.pathParam("name");
        if (!FileStore.isValidName(name)) {
            text(ctx.response(), 400, INVALID_NAME);
            return;
        }
        HttpServerRequest request = ctx.request();
        HttpServerResponse response = ctx.response();
        blocking(() -> store.openAsync(name)).onComplete(opened -> {
            if (opened.failed()) {
                fail(response, opened.cause());
                return;
            }
            FileStore.AsyncDownload download = opened.result();
            if (download == null) {
                text(response, 404, "no file " + name + "\n");
                return;
            }
            StoredFile file = download.stat();
            response.putHeader(HttpHeaders.ACCEPT_RANGES, "bytes").putHeader(HttpHeaders.ETAG, file.etag())
                    .putHeader(HttpHeaders.LAST_MODIFIED, file.lastModifiedHeader());
            if (!Preconditions.of(request).holdFor(file)) {
                download.file().close();
                text(response, 412, "precondition failed: the ETag is " + file.etag() + "\n");
                return;
            }
            String ifNoneMatch = request.getHeader(HttpHeaders.IF_NONE_MATCH);
            if (ifNoneMatch != null ? file.matchesNoneOf(ifNoneMatch)
                    : file.notModifiedSince(request.getHeader(HttpHeaders.IF_MODIFIED_SINCE))) {
                download.file().close();
                response.setStatusCode(304).end();
                return;
            }
            HttpRange range = body ? HttpRange.parse(request.getHeader("Range"), file.size()) : null; // GET only
            String ifRange = request.getHeader("If-Range");
            if (range != null && ifRange != null && !ifRange.trim().equals(file.etag())) {
                range = null; // the client's copy is another version: send the whole file
            }
            if (range == HttpRange.UNSATISFIABLE) {
                download.file().close();
                response.putHeader(HttpHeaders.CONTENT_RANGE, "bytes */" + file.size());
                text(response, 416, "range not satisfiable: the file has " + file.size() + " bytes\n");
                return;
            }
            long start = range == null ? 0 : range.start();
            long length = range == null ? file.size() : range.length();
            if (range != null) {
                response.setStatusCode(206).putHeader(HttpHeaders.CONTENT_RANGE, range.contentRange(file.size()));
            }
            response.putHeader(HttpHeaders.CONTENT_TYPE, "application/octet-stream")
                    .putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(length));
            if (!body || length == 0) {
                download.file().close();
                response.end();
                return;
            }
            // The file streams itself to the response: its blocks go to the socket as read, without a copy.
            AsyncFile stream = download.file().setReadPos(start).setReadLength(length);
            stream.pipeTo(response).onComplete(sent -> {
                if (sent.failed()) {
                    LOG.debugf("Download of %s stopped: %s", name, sent.cause().toString());
                }
                stream.close();
            });
        });
    }

    private void put(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        HttpServerRequest request = ctx.request();
        HttpServerResponse response = ctx.response();
        if (!FileStore.isValidName(name)) {
            response.putHeader(HttpHeaders.CONNECTION, "close");
            text(response, 400, INVALID_NAME);
            return;
        }
        request.pause(); // until the temporary file is ready: the body waits in the socket
        String lengthHeader = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        long announced;
        try {
            announced = lengthHeader == null ? -1 : Long.parseLong(lengthHeader.trim());
        } catch (NumberFormatException e) {
            response.putHeader(HttpHeaders.CONNECTION, "close");
            text(response, 400, "Content-Length is not a number\n");
            return;
        }
        Preconditions preconditions = Preconditions.of(request);
        blocking(() -> store.beginUpload(name, announced, preconditions)).onComplete(begun -> {
            if (begun.failed()) {
                response.putHeader(HttpHeaders.CONNECTION, "close"); // the body stays unread: no reuse
                fail(response, begun.cause()); // before any of the body is read: 412, 507...
                return;
            }
            FileStore.TempFile temp = begun.result();
            if ("100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))) {
                response.writeContinue();
            }
            if (response.closed()) { // went away while the file was prepared: no handler will hear of it
                temp.file().close().onComplete(closed -> blocking(() -> {
                    store.abortUpload(temp);
                    return null;
                }));
                return;
            }
            // The body goes into the file (pipeTo ends, so closes, it): the request pauses while the file is busy.
            AsyncFile file = temp.file();
            request.pipeTo(file).onComplete(piped -> {
                long received = file.getWritePos();
                Throwable error = piped.cause();
                if (error == null && announced >= 0 && received != announced) {
                    error = new IllegalArgumentException("the body had " + received + " bytes, not its Content-Length "
                            + announced);
                }
                if (error != null) {
                    if (!request.isEnded()) {
                        response.putHeader(HttpHeaders.CONNECTION, "close"); // the rest of the body stays unread
                    }
                    blocking(() -> {
                        store.abortUpload(temp);
                        return null;
                    });
                    fail(response, error);
                    return;
                }
                blocking(() -> store.commitUpload(temp, preconditions)).onComplete(committed -> {
                    if (committed.failed()) {
                        fail(response, committed.cause());
                    } else {
                        response.setStatusCode(committed.result() ? 201 : 204).end();
                    }
                });
            });
        });
    }

    private void delete(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        if (!FileStore.isValidName(name)) {
            text(ctx.response(), 400, INVALID_NAME);
            return;
        }
        Preconditions preconditions = Preconditions.of(ctx.request());
        blocking(() -> store.delete(name, preconditions)).onComplete(deleted -> {
            if (deleted.failed()) {
                fail(ctx.response(), deleted.cause());
            } else {
                ctx.response().setStatusCode(deleted.result() ? 204 : 404).end();
            }
        });
    }

    /** {@code GET /files?limit=100&cursor=name}: the files after the cursor, and the cursor of the next page. */
    private void list(RoutingContext ctx) {
        int limit;
        try {
            String asked = ctx.request().getParam("limit");
            limit = asked == null ? 100 : Integer.parseInt(asked);
        } catch (NumberFormatException e) {
            limit = -1;
        }
        if (limit < 1 || limit > MAX_PAGE) {
            text(ctx.response(), 400, "limit must be between 1 and " + MAX_PAGE + "\n");
            return;
        }
        String cursor = ctx.request().getParam("cursor");
        int pageSize = limit;
        blocking(() -> store.list(cursor, pageSize)).onComplete(listed -> {
            if (listed.failed()) {
                fail(ctx.response(), listed.cause());
                return;
            }
            FileStore.Page found = listed.result();
            JsonArray page = new JsonArray();
            for (StoredFile file : found.files()) {
                page.add(new JsonObject().put("name", file.name()).put("size", file.size()).put("etag", file.etag())
                        .put("lastModified", file.lastModifiedHeader()));
            }
            JsonObject answer = new JsonObject().put("files", page).put("next", found.next());
            ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(answer.encode());
        });
    }

    private static void fail(HttpServerResponse response, Throwable error) {
        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause()
                : error;
        if (response.headWritten() || response.ended()) {
            LOG.debugf("Transfer failed after the answer began: %s", cause.toString());
            response.reset();
            return;
        }
        int status;
        if (cause instanceof FileStore.PreconditionFailedException) {
            status = 412;
        } else if (cause instanceof AioException aio && ("ENOSPC".equals(aio.errnoName())
                || "EDQUOT".equals(aio.errnoName()))) {
            status = 507;
        } else if (cause instanceof IllegalArgumentException) {
            status = 400;
        } else if (cause instanceof io.vertx.core.http.HttpClosedException || cause instanceof IOException
                && cause.getMessage() != null && cause.getMessage().contains("went away")) {
            response.reset();
            return;
        } else {
            LOG.error("File store request failed", cause);
            status = 500;
        }
        text(response, status, cause.getMessage() + "\n");
    }

    private static void text(HttpServerResponse response, int status, String body) {
        response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain").end(body);
    }
}
