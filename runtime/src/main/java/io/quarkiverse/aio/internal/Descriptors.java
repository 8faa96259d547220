package io.quarkiverse.aio.internal;

import java.nio.file.Path;
import java.util.Optional;

import io.quarkiverse.aio.AioFile;

/** What the integrations beside the engine need to know of a file's descriptor, and nothing more. */
public final class Descriptors {

    private Descriptors() {
    }

    /**
     * {@code /proc/self/fd/N} for a file whose descriptor is a kernel one: opening it opens the very file the
     * descriptor refers to, even if its path was renamed or removed since. Empty for the thread-pool fallback.
     */
    public static Optional<Path> procPath(AioFile file) {
        return file instanceof EngineFile engineFile ? Optional.of(Path.of("/proc/self/fd/" + engineFile.fd))
                : Optional.empty();
    }
}
