package io.quarkiverse.aio.it;

import java.io.IOException;
import java.io.InputStream;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;

import io.quarkiverse.aio.AioException;

/** The demo's REST face: {@code PUT}, {@code GET} and {@code DELETE} on {@code /files/{name}}. */
@Path("/files/{name}")
public class FileStoreResource {

    private static final String INVALID_NAME = "Names are 1 to 128 letters, digits, '.', '_' or '-', not starting with '.'\n";

    @Inject
    FileStore store;

    @PUT
    @Consumes(MediaType.WILDCARD)
    public Response put(@PathParam("name") String name, InputStream body) throws IOException {
        if (!FileStore.isValidName(name)) {
            return badName();
        }
        try {
            return store.put(name, body) ? Response.status(Response.Status.CREATED).build()
                    : Response.noContent().build();
        } catch (AioException e) {
            if (e.errnoName().equals("ENOSPC") || e.errnoName().equals("EDQUOT")) {
                return Response.status(507).entity(e.getMessage() + "\n").type(MediaType.TEXT_PLAIN).build();
            }
            throw e;
        }
    }

    @GET
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    public Response get(@PathParam("name") String name) throws IOException {
        if (!FileStore.isValidName(name)) {
            return badName();
        }
        FileStore.Download download = store.open(name);
        if (download == null) {
            return Response.status(Response.Status.NOT_FOUND).build();
        }
        StreamingOutput body = download::sendTo;
        return Response.ok(body).header("Content-Length", download.size()).build();
    }

    @DELETE
    public Response delete(@PathParam("name") String name) throws IOException {
        if (!FileStore.isValidName(name)) {
            return badName();
        }
        return store.delete(name) ? Response.noContent().build() : Response.status(Response.Status.NOT_FOUND).build();
    }

    private static Response badName() {
        return Response.status(Response.Status.BAD_REQUEST).entity(INVALID_NAME).type(MediaType.TEXT_PLAIN).build();
    }
}
