package io.quarkiverse.aio.internal;

import org.jboss.logging.Logger;

import io.quarkiverse.aio.AioContext;
import io.quarkiverse.aio.AioContextProvider;
import io.quarkiverse.aio.AioException;
import io.quarkiverse.aio.AioFallback;
import io.quarkiverse.aio.AioSettings;
import io.quarkiverse.aio.AioUnavailableException;
import io.quarkiverse.aio.internal.linux.AioSyscalls;
import io.quarkiverse.aio.internal.linux.Errno;
import io.quarkiverse.aio.internal.linux.LibC;

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
            requireCLibrary();
            return AioEngine.start(settings, syscalls);
        } catch (AioUnavailableException e) {
            // fs.aio-max-nr exhausted is a limit to raise, not a platform without AIO: never hidden by the fallback.
            if (settings.fallback() != AioFallback.THREAD_POOL || e.errno() == Errno.EAGAIN) {
                throw e;
            }
            LOG.warnf("Linux AIO is unavailable, so file I/O runs on a thread pool instead (quarkus.aio.fallback"
                    + "=thread-pool): %s", e.getMessage());
            return new ThreadPoolContext(settings);
        }
    }

    /** Links every C function the engine calls, so that a missing one is a clear refusal, not an Error later. */
    private static void requireCLibrary() throws AioUnavailableException {
        try {
            LibC.pageSize(); // initializes LibC, which links everything it calls
        } catch (LinkageError e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            AioUnavailableException refused = new AioUnavailableException("The C library of this process lacks a"
                    + " function Linux AIO needs here (" + cause.getMessage() + "); glibc 2.17+ and musl 1.2+ have them"
                    + " all", 0, null);
            refused.initCause(e);
            throw refused;
        }
    }
}
