package io.quarkiverse.aio.internal;

import org.jboss.logging.Logger;

import io.quarkiverse.aio.AioContext;
import io.quarkiverse.aio.AioContextProvider;
import io.quarkiverse.aio.AioException;
import io.quarkiverse.aio.AioFallback;
import io.quarkiverse.aio.AioSettings;
import io.quarkiverse.aio.AioUnavailableException;
import io.quarkiverse.aio.internal.linux.AioSyscalls;

/** The one entry point from the API into the engine (found by {@code AioContext.Builder} through ServiceLoader). */
public final class AioContextFactory implements AioContextProvider {

    private static final Logger LOG = Logger.getLogger(AioContextFactory.class);

    @Override
    public AioContext create(AioSettings settings) throws AioException {
        return create(settings, AioSyscalls.KERNEL);
    }

    /** With another seam around the AIO system calls: for tests that inject faults. */
    public static AioContext create(AioSettings settings, AioSyscalls syscalls) throws AioException {
        if (settings.fallback() == AioFallback.FORCED_THREAD_POOL) {
            return new ThreadPoolContext(settings);
        }
        try {
            return AioEngine.start(settings, syscalls);
        } catch (AioUnavailableException e) {
            if (settings.fallback() != AioFallback.THREAD_POOL) {
                throw e;
            }
            LOG.warnf("Linux AIO is unavailable, so file I/O runs on a thread pool instead (quarkus.aio.fallback"
                    + "=thread-pool): %s", e.getMessage());
            return new ThreadPoolContext(settings);
        }
    }
}
