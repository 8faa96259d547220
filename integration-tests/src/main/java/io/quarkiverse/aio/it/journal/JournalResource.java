package io.quarkiverse.aio.it.journal;

import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.smallrye.common.annotation.NonBlocking;

/**
 * {@code POST /journal/{name}} appends the body as one record and answers {@code {"offset": n}} once it is durable;
 * {@code GET /journal/{name}} tells how many records it holds, {@code GET /journal/{name}/{offset}} gives one back.
 * Runs on the event loop: nothing here blocks, the commit completes the response.
 */
@Path("/journal/{name}")
@NonBlocking
public class JournalResource {

    @Inject
    Journals journals;

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public CompletionStage<Response> append(@PathParam("name") String name, byte[] body) {
        return journals.journal(name).thenCompose(journal -> journal.append(body))
                .thenApply(offset -> Response.ok(Map.of("offset", offset)).build())
                .exceptionally(JournalResource::failure);
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public CompletionStage<Response> summary(@PathParam("name") String name) {
        return journals.journal(name).thenApply(journal -> {
            Journal.Summary summary = journal.summary();
            return Response.ok(Map.of("name", summary.name(), "records", summary.records(), "bytes",
                    summary.bytes(), "commitsSinceOpen", summary.commitsSinceOpen())).build();
        })
                .exceptionally(JournalResource::failure);
    }

    @GET
    @Path("{offset}")
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    public CompletionStage<Response> record(@PathParam("name") String name, @PathParam("offset") long offset) {
        return journals.journal(name).thenCompose(journal -> journal.read(offset))
                .thenApply(payload -> payload == null ? Response.status(Response.Status.NOT_FOUND).build()
                        : Response.ok(payload).build())
                .exceptionally(JournalResource::failure);
    }

    private static Response failure(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        int status = cause instanceof IllegalArgumentException ? (cause.getMessage().startsWith("a record") ? 413 : 400)
                : cause instanceof JournalBusyException ? 409 : 503;
        return Response.status(status).entity(cause.getMessage() + "\n").type(MediaType.TEXT_PLAIN).build();
    }
}
