package io.quarkiverse.aio.it;

import java.io.IOException;
import java.nio.file.Files;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import io.quarkiverse.aio.AioContext;
import io.quarkiverse.aio.AioFile;
import io.quarkiverse.aio.AioOpenOption;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.common.annotation.NonBlocking;
import io.smallrye.common.annotation.RunOnVirtualThread;
import io.vertx.core.Context;

/**
 * Where the continuation of an O_DIRECT read runs ({@code thenApply} attached before it completes), from each kind of
 * endpoint: on the event loop for a reactive endpoint, never on the event loop for a {@code @Blocking} or
 * {@code @RunOnVirtualThread} one. Each answers the thread's name, and whether it is an event loop.
 */
@Path("/threads")
@Produces(MediaType.TEXT_PLAIN)
public class ContinuationThreadsResource {

    @Inject
    FileStore store;

    @Inject
    AioContext aio;

    private java.nio.file.Path probe;

    /** After FileStore's own start-up observer (default priority), which makes the data directory. */
    void createProbe(@Observes @Priority(Interceptor.Priority.APPLICATION + 600) StartupEvent event) throws IOException {
        probe = store.internalFile("continuation-threads-probe");
        Files.write(probe, new byte[4096]);
    }

    @GET
    @Path("/blocking")
    @Blocking
    public String blocking() throws Exception {
        return continuation().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @GET
    @Path("/virtual")
    @RunOnVirtualThread
    public String virtual() throws Exception {
        return continuation().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @GET
    @Path("/event-loop")
    @NonBlocking
    public CompletionStage<String> eventLoop() throws IOException {
        return continuation();
    }

    private CompletionStage<String> continuation() throws IOException {
        AioFile file = aio.open(probe, AioOpenOption.DIRECT);
        return file.read(file.allocate(4096), 0).thenApply(n -> {
            file.close();
            return Thread.currentThread().getName() + " event-loop=" + Context.isOnEventLoopThread();
        });
    }
}
