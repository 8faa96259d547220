package io.quarkiverse.aio.it;

import java.nio.file.Files;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.RestResponse;

import io.quarkiverse.aio.vertx.AioFileSystem;
import io.smallrye.mutiny.Uni;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;

/**
 * What a Quarkus application writes to serve and accept files over AIO: return the {@code AsyncFile} from
 * {@code AioFileSystem} from a Quarkus REST endpoint (plain, {@code Uni}, {@code RestResponse}; {@code setReadPos} and
 * {@code setReadLength} send a part), and pipe a request body into one from a Vert.x route. Files live beside the
 * store's, under a name no store request can give.
 */
@jakarta.ws.rs.Path("/async-files")
public class AsyncFileResource {

    private static final OpenOptions READ = new OpenOptions().setWrite(false).setCreate(false);

    @Inject
    AioFileSystem files;

    @Inject
    FileStore store;

    private java.nio.file.Path file(String name) {
        if (!FileStore.isValidName(name)) {
            throw new NotFoundException();
        }
        return store.internalFile("async").resolve(name);
    }

    /** A worker thread opens it; Quarkus REST streams it and closes it at the end. */
    @GET
    @Path("{name}")
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    public AsyncFile plain(@PathParam("name") String name) {
        try {
            return files.openBlocking(file(name).toString(), READ);
        } catch (io.vertx.core.file.FileSystemException e) {
            if (e.getCause() instanceof java.nio.file.NoSuchFileException) {
                throw new NotFoundException(e.getMessage());
            }
            throw e;
        }
    }

    /** Opened and streamed on the event loop. */
    @GET
    @Path("{name}/uni")
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    public Uni<AsyncFile> uni(@PathParam("name") String name) {
        return Uni.createFrom().completionStage(() -> files.open(file(name).toString(), READ).toCompletionStage());
    }

    /** A part: {@code start} and {@code length} bytes. */
    @GET
    @Path("{name}/part")
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    public Uni<RestResponse<AsyncFile>> part(@PathParam("name") String name, @QueryParam("start") long start,
            @QueryParam("length") long length) {
        return Uni.createFrom().completionStage(() -> files.open(file(name).toString(), READ).toCompletionStage())
                .map(f -> RestResponse.ok(f.setReadPos(start).setReadLength(length)));
    }

    /** {@code PUT /async-files/{name}}: the body piped into the file, on the event loop. */
    void routes(@Observes Router router) {
        router.route(HttpMethod.PUT, "/async-files/:name").handler(ctx -> {
            var request = ctx.request();
            request.pause();
            java.nio.file.Path target;
            try {
                target = file(ctx.pathParam("name"));
                Files.createDirectories(target.getParent());
            } catch (Exception e) {
                ctx.response().setStatusCode(400).end();
                return;
            }
            files.open(target.toString(), new OpenOptions().setTruncateExisting(true))
                    .compose(request::pipeTo)
                    .onSuccess(v -> ctx.response().setStatusCode(201).end())
                    .onFailure(e -> ctx.response().setStatusCode(500).end(e.toString()));
        });
    }
}
