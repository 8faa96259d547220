package io.quarkiverse.aio.runtime;

import java.util.concurrent.Executor;
import java.util.function.Supplier;

import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Captures the Vert.x context of an operation submitted on an event loop, so that its stage completes on that event
 * loop, as Vert.x code expects. Worker and virtual threads also carry a (duplicated) context while they serve a
 * request, but running their continuations on the event loop would change the kind of thread they run on: they are
 * not captured. Loaded only when the application has Vert.x.
 */
final class VertxContexts implements Supplier<Executor> {

    VertxContexts() {
    }

    @Override
    public Executor get() {
        if (!Context.isOnEventLoopThread()) {
            return null;
        }
        Context context = Vertx.currentContext();
        // runOnContext, not a bare execute: the continuation must see the context as current, with its local data.
        return context == null ? null : task -> context.runOnContext(ignored -> task.run());
    }
}
