package io.quarkiverse.aio.runtime;

import java.util.concurrent.Executor;
import java.util.function.Supplier;

import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Captures the Vert.x context (event loop or duplicated context) an operation was submitted on, so that its stage
 * completes on that context and request-scoped context data survives. Loaded only when the application has Vert.x.
 */
final class VertxContexts implements Supplier<Executor> {

    VertxContexts() {
    }

    @Override
    public Executor get() {
        Context context = Vertx.currentContext();
        return context == null ? null : task -> context.runOnContext(ignored -> task.run());
    }
}
