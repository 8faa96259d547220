package io.quarkiverse.aio.vertx.mutiny;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.vertx.core.file.OpenOptions;
import io.vertx.mutiny.core.file.AsyncFile;

/**
 * The Mutiny form of {@link io.quarkiverse.aio.vertx.AioFileSystem}, for code written against
 * {@code io.vertx.mutiny.core.file.AsyncFile}: {@code @Inject io.quarkiverse.aio.vertx.mutiny.AioFileSystem files;}.
 */
@ApplicationScoped
public class AioFileSystem {

    @Inject
    io.quarkiverse.aio.vertx.AioFileSystem files;

    /** For CDI. */
    protected AioFileSystem() {
    }

    /** Over a file system made outside CDI. */
    public AioFileSystem(io.quarkiverse.aio.vertx.AioFileSystem files) {
        this.files = files;
    }

    /** Opens a file as {@code io.vertx.mutiny.core.file.FileSystem.open} does, with its reads and writes on AIO. */
    public Uni<AsyncFile> open(String path, OpenOptions options) {
        return Uni.createFrom().completionStage(() -> files.open(path, options).toCompletionStage())
                .map(AsyncFile::newInstance);
    }

    /** {@link #open(String, OpenOptions)}, waiting for the file. */
    public AsyncFile openAndAwait(String path, OpenOptions options) {
        return open(path, options).await().indefinitely();
    }
}
