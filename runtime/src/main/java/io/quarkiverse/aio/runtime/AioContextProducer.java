package io.quarkiverse.aio.runtime;

import java.util.concurrent.ExecutorService;

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

    /** Completions resume on the caller's Vert.x context, when there is Vert.x. */
    private static final boolean VERTX_PRESENT = isPresent("io.vertx.core.Vertx");

    private static boolean isPresent(String className) {
        try {
            Class.forName(className, false, AioContextProducer.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    @Produces
    @Singleton
    @Startup
    AioContext aioContext(AioConfig config, ExecutorService managedExecutor) throws AioException {
        return AioContext.builder()
                .queueDepth(config.queueDepth())
                .shutdownTimeout(config.shutdownTimeout())
                .closeableArenaBuffers(config.closeableArenaBuffers())
                .userspaceReap(config.userspaceReap())
                .batchPollerSubmits(config.batchPollerSubmits())
                .completionEventFd(config.completionEventfd())
                .fallback(config.fallback())
                .callerExecutor(VERTX_PRESENT ? new VertxContexts() : null)
                .pollerExecutor(managedExecutor)
                .completionExecutor(config.completionDispatch() == AioConfig.CompletionDispatch.EXECUTOR
                        ? managedExecutor
                        : null)
                .build();
    }

    void close(@Disposes AioContext context) {
        context.close();
    }
}
