package io.quarkiverse.aio.runtime;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;

import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.quarkiverse.aio.AioContext;
import io.quarkiverse.aio.AioException;
import io.quarkus.runtime.Startup;

/**
 * Produces the application's {@link AioContext}. It is created at startup, so that a machine without Linux AIO
 * fails at once with the cause, and closed when the application stops: before Quarkus shuts its executor down, so
 * the poller, which runs on that executor, can finish the operations in flight.
 */
@Singleton
public class AioContextProducer {

    /**
     * With Vert.x, completions resume on the caller's Vert.x context. Vert.x is optional, so VertxContexts is only
     * named reflectively: where Vert.x is absent nothing reachable refers to it (a native build links every reachable
     * type). The deployment module registers the constructor for native executables.
     */
    @SuppressWarnings("unchecked")
    private static Supplier<Executor> vertxContexts() {
        ClassLoader loader = AioContextProducer.class.getClassLoader();
        try {
            Class.forName("io.vertx.core.Vertx", false, loader);
            return (Supplier<Executor>) Class.forName(AioContextProducer.class.getPackageName() + ".VertxContexts",
                    true, loader).getDeclaredConstructor().newInstance();
        } catch (Exception | Error e) { // not there, or (native) not registered: no capture
            return null;
        }
    }

    @Produces
    @Singleton
    @Startup
    AioContext aioContext(AioConfig config, ExecutorService managedExecutor) throws AioException {
        return create(config, managedExecutor);
    }

    /**
     * The context {@code @Inject AioContext} gets, from its configuration and Quarkus' managed executor. Public so
     * that the benchmarks measure exactly this configuration.
     */
    public static AioContext create(AioConfig config, ExecutorService managedExecutor) throws AioException {
        return AioContext.builder()
                .queueDepth(config.queueDepth())
                .maxQueued(config.maxQueued())
                .shutdownTimeout(config.shutdownTimeout())
                .closeableArenaBuffers(config.closeableArenaBuffers())
                .userspaceReap(config.userspaceReap())
                .submitBatching(config.submitBatching())
                .pollerStallThreshold(config.pollerStallThreshold())
                .completionEventFd(config.completionEventfd())
                .fallback(config.fallback())
                .callerExecutor(vertxContexts())
                .pollerExecutor(managedExecutor)
                .blockingExecutor(managedExecutor)
                .completionExecutor(config.completionDispatch() == AioConfig.CompletionDispatch.EXECUTOR
                        ? managedExecutor
                        : null)
                .build();
    }

    void close(@Disposes AioContext context) {
        context.close();
    }
}
