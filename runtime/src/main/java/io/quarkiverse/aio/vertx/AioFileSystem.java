package io.quarkiverse.aio.vertx;

import java.io.IOException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkiverse.aio.AioContext;
import io.quarkiverse.aio.AioFile;
import io.quarkiverse.aio.AioOpenOption;
import io.quarkiverse.aio.internal.Descriptors;
import io.quarkiverse.aio.runtime.AioConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.FileSystemException;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.impl.VertxInternal;

/**
 * Opens Vert.x {@link AsyncFile}s whose reads and writes go to the kernel through the application's
 * {@link AioContext}, instead of running as blocking calls on the worker pool as {@code vertx.fileSystem().open}'s do.
 * In a Quarkus application with Vert.x (every HTTP application), inject it: {@code @Inject AioFileSystem files;}.
 * <p>
 * The options and failures are those of {@code vertx.fileSystem().open}: a missing file opened without
 * {@code create} fails with a {@link FileSystemException} naming the path. The files of one file system share a
 * budget of aligned 1 MiB blocks ({@code quarkus.aio.vertx.buffer-budget}) for their streams.
 */
@ApplicationScoped
public class AioFileSystem {

    private static final Logger LOG = Logger.getLogger(AioFileSystem.class);
    /** The default of {@code quarkus.aio.vertx.buffer-budget}. */
    public static final long DEFAULT_BUFFER_BUDGET = 32L << 20;

    @Inject
    Vertx vertx;

    @Inject
    AioContext aio;

    @Inject
    AioConfig config;

    private volatile BlockPool pool;
    private boolean directIo = true;

    /** For CDI. */
    protected AioFileSystem() {
    }

    /**
     * A file system outside CDI (tests, plain Vert.x applications).
     *
     * @param bufferBudget bytes of aligned blocks all its files may hold together for their streams
     * @param directIo whether streams use {@code O_DIRECT} where the file system allows it
     */
    public AioFileSystem(Vertx vertx, AioContext aio, long bufferBudget, boolean directIo) {
        this.vertx = vertx;
        this.aio = aio;
        this.pool = new BlockPool(vertx, aio, bufferBudget);
        this.directIo = directIo;
    }

    private BlockPool pool() {
        BlockPool current = pool;
        if (current == null) {
            synchronized (this) {
                if (pool == null) {
                    directIo = config.vertx().directIo();
                    pool = new BlockPool(vertx, aio, config.vertx().bufferBudget().asLongValue());
                }
                current = pool;
            }
        }
        return current;
    }

    /** Blocks of the shared budget in use now. */
    int poolInUse() {
        return pool().inUse();
    }

    /**
     * Opens a file, as {@code vertx.fileSystem().open(path, options)} does: the open runs on a worker thread, and
     * the future, like every handler and future of the file, completes on the caller's Vert.x context.
     */
    public Future<AsyncFile> open(String path, OpenOptions options) {
        ContextInternal context = (ContextInternal) vertx.getOrCreateContext();
        return context.executeBlockingInternal(() -> open(path, options, context));
    }

    /** {@link #open(String, OpenOptions)}, blocking the calling thread while the file is opened. */
    public AsyncFile openBlocking(String path, OpenOptions options) {
        return open(path, options, (ContextInternal) vertx.getOrCreateContext());
    }

    private AsyncFile open(String given, OpenOptions options, ContextInternal context) {
        java.util.Objects.requireNonNull(given, "path");
        java.util.Objects.requireNonNull(options, "options");
        if (!options.isRead() && !options.isWrite()) {
            throw new FileSystemException("Cannot open file for neither reading nor writing");
        }
        String path = ((VertxInternal) vertx).resolveFile(given).getAbsolutePath();
        Set<OpenOption> opts = new HashSet<>();
        if (options.isRead()) {
            opts.add(StandardOpenOption.READ);
        }
        if (options.isWrite()) {
            opts.add(StandardOpenOption.WRITE);
            if (options.isCreate()) {
                opts.add(StandardOpenOption.CREATE);
            }
            if (options.isCreateNew()) {
                opts.add(StandardOpenOption.CREATE_NEW);
            }
            if (options.isTruncateExisting()) {
                opts.add(StandardOpenOption.TRUNCATE_EXISTING);
            }
        }
        if (options.isSync()) {
            opts.add(StandardOpenOption.SYNC);
        }
        if (options.isDsync()) {
            opts.add(StandardOpenOption.DSYNC);
        }
        AioFile buffered;
        try {
            if (options.getPerms() != null) {
                FileAttribute<?> perms = PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString(options.getPerms()));
                buffered = aio.open(Path.of(path), opts, perms);
            } else {
                buffered = aio.open(Path.of(path), opts);
            }
        } catch (IOException | RuntimeException e) {
            throw new FileSystemException("Unable to open file at path '" + path + "'", e);
        }
        try {
            AioFile direct = directIo ? openDirect(buffered, options) : null;
            long writePos = options.isAppend() ? buffered.size() : 0;
            return new AioAsyncFile(context, pool(), Path.of(path), buffered, direct, options.isDeleteOnClose(),
                    options.isRead(), options.isWrite(), writePos);
        } catch (IOException | RuntimeException e) {
            buffered.close();
            throw new FileSystemException("Unable to open file at path '" + path + "'", e);
        }
    }

    /**
     * The same open file again, with {@code O_DIRECT}, through {@code /proc/self/fd}: never another file renamed over
     * the path meanwhile. Null where the file system refuses it, or its alignment does not suit the pool's blocks.
     */
    private AioFile openDirect(AioFile buffered, OpenOptions options) {
        Path same = Descriptors.procPath(buffered).orElse(null);
        if (same == null) {
            return null; // the thread-pool fallback: buffered only
        }
        Set<OpenOption> opts = new HashSet<>();
        opts.add(AioOpenOption.DIRECT);
        if (options.isRead()) {
            opts.add(StandardOpenOption.READ);
        }
        if (options.isWrite()) {
            opts.add(StandardOpenOption.WRITE);
        }
        if (options.isSync()) {
            opts.add(StandardOpenOption.SYNC);
        }
        if (options.isDsync()) {
            opts.add(StandardOpenOption.DSYNC);
        }
        AioFile direct;
        try {
            direct = aio.open(same, opts);
        } catch (IOException | RuntimeException e) {
            LOG.debugf("No O_DIRECT for %s (%s): its streams use the page cache", buffered.path(), e.toString());
            return null;
        }
        if (direct.memoryAlignment() > 4096 || BlockPool.BLOCK % direct.offsetAlignment() != 0) {
            direct.close();
            return null;
        }
        return direct;
    }
}
