package io.quarkiverse.aio.it;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkiverse.aio.AioContext;
import io.quarkiverse.aio.AioFile;
import io.quarkiverse.aio.AioOpenOption;
import io.quarkiverse.aio.vertx.AioFileSystem;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.FileSystemException;
import io.vertx.core.file.OpenOptions;

/**
 * Stores blobs as files in one directory, every byte written and read through the {@link AioContext}: over HTTP with
 * the Vert.x {@code AsyncFile}s of {@link AioFileSystem}, which move whole blocks with O_DIRECT.
 * An upload goes to a temporary file, preallocated to its announced length (so that a full disk answers before the
 * body is read), and is renamed over the target when complete and synced, so readers see the old or the new content,
 * never a mix. The methods here block briefly on metadata (open, stat, rename): {@link FileStoreRoutes} calls them
 * off the event loop. The bytes themselves move through {@link AioFileSystem}'s {@code AsyncFile}s.
 */
@ApplicationScoped
public class FileStore {

    private static final Logger LOG = Logger.getLogger(FileStore.class);

    /** Plain names only, never starting with a dot: no request can name a path outside the data directory. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}");
    private static final String TEMP_PREFIX = ".upload-";
    /** Preconditions and the rename that depends on them happen under the lock of the name's stripe. */
    private final Object[] stripes = new Object[64];

    @Inject
    AioContext aio;

    @Inject
    AioFileSystem files;

    @ConfigProperty(name = "demo.data-dir", defaultValue = "data")
    Path configuredDir;

    private Path dataDir;

    public FileStore() {
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new Object();
        }
    }

    void start(@Observes StartupEvent event) throws IOException {
        dataDir = Files.createDirectories(configuredDir).toRealPath();
        try (DirectoryStream<Path> stale = Files.newDirectoryStream(dataDir, TEMP_PREFIX + "*")) {
            for (Path temp : stale) {
                Files.deleteIfExists(temp); // an upload cut short by a crash
            }
        }
        LOG.infof("AIO file store keeps its files in %s. Try: curl -T some-file http://localhost:8080/files/some-file"
                + " and curl http://localhost:8080/files/some-file", dataDir);
    }

    /** Whether {@code name} may be used as a file name. */
    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    AioContext aio() {
        return aio;
    }

    Path dataDir() {
        return dataDir;
    }

    /** A path beside the stored files that no request can name (stored names never start with a dot). */
    Path internalFile(String name) {
        return dataDir.resolve("." + name);
    }

    Path resolve(String name) {
        if (!isValidName(name)) {
            throw new IllegalArgumentException("invalid name");
        }
        return dataDir.resolve(name);
    }

    /** The file's size, time and ETag, or null when there is none. */
    StoredFile stat(String name) throws IOException {
        return StoredFile.stat(name, resolve(name));
    }

    /** An open file and the state it was opened in, or null when there is no file of that name. */
    public Download open(String name) throws IOException {
        return openStable(name, path -> aio.open(path, AioOpenOption.DIRECT), Download::new, AioFile::close);
    }

    /** {@link #open(String)} as a Vert.x {@code AsyncFile}, for streaming over HTTP. */
    AsyncDownload openAsync(String name) throws IOException {
        return openStable(name, path -> {
            try {
                return files.openBlocking(path.toString(), new OpenOptions().setWrite(false).setCreate(false));
            } catch (FileSystemException e) {
                if (e.getCause() instanceof NoSuchFileException gone) {
                    throw gone;
                }
                throw e;
            }
        }, AsyncDownload::new, AsyncFile::close);
    }

    private interface Opener<F> {
        F open(Path path) throws IOException;
    }

    /**
     * Opens the named file and checks that its ETag is the same after the open as before: the descriptor is that
     * file, not one renamed over it meanwhile.
     */
    private <F, D> D openStable(String name, Opener<F> opener, java.util.function.BiFunction<F, StoredFile, D> result,
            java.util.function.Consumer<F> close) throws IOException {
        Path path = resolve(name);
        for (;;) {
            StoredFile before = StoredFile.stat(name, path);
            if (before == null) {
                return null;
            }
            F file;
            try {
                file = opener.open(path);
            } catch (NoSuchFileException e) {
                return null;
            }
            StoredFile after;
            try {
                after = StoredFile.stat(name, path);
            } catch (IOException | RuntimeException e) {
                close.accept(file);
                throw e;
            }
            if (after != null && after.etag().equals(before.etag())) {
                return result.apply(file, after);
            }
            close.accept(file);
        }
    }

    /** An open file being read, with the state its ETag describes. */
    public record Download(AioFile file, StoredFile stat) {
        public long size() {
            return stat.size();
        }
    }

    /** The same, as a Vert.x {@code AsyncFile}. */
    record AsyncDownload(AsyncFile file, StoredFile stat) {
    }

    /**
     * Starts an upload: checks the preconditions, creates the temporary file and preallocates {@code length} bytes
     * (ENOSPC here, before the body is read, is answered 507), then opens it as a Vert.x {@code AsyncFile}.
     *
     * @param length the announced length, or -1 when unknown (chunked)
     * @throws PreconditionFailedException when a precondition does not hold
     */
    TempFile beginUpload(String name, long length, Preconditions preconditions) throws IOException {
        checkPreconditions(name, preconditions);
        Path temp = dataDir.resolve(TEMP_PREFIX + UUID.randomUUID());
        try {
            try (AioFile created = aio.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                if (length > 0) {
                    created.preallocate(0, length);
                }
            }
            return new TempFile(name, temp,
                    files.openBlocking(temp.toString(), new OpenOptions().setRead(false).setCreate(false)));
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    /** An upload's temporary file. */
    record TempFile(String name, Path path, AsyncFile file) {
    }

    /**
     * Once the body is in the temporary file and the file is closed: syncs it, and renames it over the target if the
     * preconditions still hold; then syncs the directory, so that the new name survives a crash too. Blocks.
     *
     * @return true when the name was new, false when an existing file was replaced
     */
    boolean commitUpload(TempFile temp, Preconditions preconditions) throws IOException {
        try {
            try (FileChannel data = FileChannel.open(temp.path(), StandardOpenOption.WRITE)) {
                data.force(true);
            }
            Path target = resolve(temp.name());
            boolean created;
            synchronized (stripe(temp.name())) {
                StoredFile current = checkPreconditions(temp.name(), preconditions);
                Files.move(temp.path(), target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                created = current == null;
            }
            try (FileChannel directory = FileChannel.open(dataDir, StandardOpenOption.READ)) {
                directory.force(true);
            }
            return created;
        } finally {
            abortUpload(temp);
        }
    }

    /** Drops an upload: deletes its temporary file (a no-op once it was renamed). */
    void abortUpload(TempFile temp) throws IOException {
        Files.deleteIfExists(temp.path());
    }

    /**
     * Deletes the file if its preconditions hold.
     *
     * @return false when there was none
     */
    boolean delete(String name, Preconditions preconditions) throws IOException {
        Path path = resolve(name);
        synchronized (stripe(name)) {
            if (checkPreconditions(name, preconditions) == null) {
                return false;
            }
            return Files.deleteIfExists(path);
        }
    }

    private StoredFile checkPreconditions(String name, Preconditions preconditions) throws IOException {
        StoredFile current = stat(name);
        if (!preconditions.holdForChange(current)) {
            throw new PreconditionFailedException(name, current);
        }
        return current;
    }

    /** One page of the listing; {@code next} is the cursor of the following page, null on the last. */
    record Page(List<StoredFile> files, String next) {
    }

    /** The stored files after {@code cursor} (exclusive) in name order, at most {@code limit} of them. */
    Page list(String cursor, int limit) throws IOException {
        TreeSet<String> names = new TreeSet<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dataDir)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (isValidName(name) && (cursor == null || name.compareTo(cursor) > 0)) {
                    names.add(name);
                    if (names.size() > limit + 1) {
                        names.pollLast(); // one more than the page: memory bounded by it, and it tells if more follow
                    }
                }
            }
        }
        boolean more = names.size() > limit;
        if (more) {
            names.pollLast();
        }
        List<StoredFile> page = new ArrayList<>();
        for (String name : names) {
            StoredFile file = stat(name);
            if (file != null && Files.isRegularFile(resolve(name))) {
                page.add(file); // a name deleted meanwhile, or a directory, is left out; the cursor still moves on
            }
        }
        return new Page(page, more ? names.last() : null);
    }

    private Object stripe(String name) {
        return stripes[Math.floorMod(name.hashCode(), stripes.length)];
    }

    /** {@code If-Match} or {@code If-None-Match} did not hold: 412. */
    static final class PreconditionFailedException extends IOException {
        PreconditionFailedException(String name, StoredFile current) {
            super("precondition failed for " + name + (current == null ? " (no such file)" : " (ETag " + current.etag()
                    + ")"));
        }
    }
}
