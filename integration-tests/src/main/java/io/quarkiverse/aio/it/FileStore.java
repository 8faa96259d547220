package io.quarkiverse.aio.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkiverse.aio.AioOpenOption;

import io.quarkiverse.aio.AioContext;
import io.quarkiverse.aio.AioFile;
import io.quarkus.runtime.StartupEvent;

/**
 * Stores blobs as files, every byte written and read through the {@link AioContext} with O_DIRECT. Uploads go to a
 * temporary file that is renamed over the target when complete, so readers see the old or the new content, never a
 * mix. Two staging buffers let the next chunk be filled (or sent) while the kernel transfers the previous one.
 */
@ApplicationScoped
public class FileStore {

    private static final Logger LOG = Logger.getLogger(FileStore.class);

    /** Plain names only, never starting with a dot: no request can name a path outside the data directory. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}");
    private static final int CHUNK = 1 << 20;
    private static final long IO_TIMEOUT_SECONDS = 60;

    @Inject
    AioContext aio;

    @ConfigProperty(name = "demo.data-dir", defaultValue = "data")
    Path configuredDir;

    private Path dataDir;

    void start(@Observes StartupEvent event) throws IOException {
        dataDir = Files.createDirectories(configuredDir).toRealPath();
        LOG.infof("AIO file store keeps its files in %s. Try: curl -T some-file http://localhost:8080/files/some-file"
                + " and curl http://localhost:8080/files/some-file", dataDir);
    }

    /** Whether {@code name} may be used as a file name. */
    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /** A path beside the stored files that no request can name (stored names never start with a dot). */
    Path internalFile(String name) {
        return dataDir.resolve("." + name);
    }

    private Path resolve(String name) {
        if (!isValidName(name)) {
            throw new IllegalArgumentException("invalid name");
        }
        return dataDir.resolve(name);
    }

    /**
     * Stores the whole body under {@code name}.
     *
     * @return true when the name was new, false when an existing file was replaced
     */
    public boolean put(String name, InputStream body) throws IOException {
        Path target = resolve(name);
        Path temp = dataDir.resolve(".upload-" + UUID.randomUUID());
        try {
            try (AioFile file = aio.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    AioOpenOption.DIRECT)) {
                long size = write(file, body);
                if (size % file.offsetAlignment() != 0) {
                    file.truncate(size); // the last chunk was padded up to the direct-I/O alignment
                }
                await(file.fsync());
            }
            boolean existed = Files.exists(target);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return !existed;
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private long write(AioFile file, InputStream body) throws IOException {
        MemorySegment[] staging = { file.allocate(CHUNK), file.allocate(CHUNK) };
        byte[] heap = new byte[64 * 1024];
        CompletionStage<Integer> inFlight = null;
        long inFlightLength = 0;
        long position = 0;
        for (int round = 0;; round++) {
            // This buffer's previous write was awaited in the round before: it is free to fill.
            MemorySegment buffer = staging[round & 1];
            int filled = fill(body, buffer, heap);
            if (inFlight != null) {
                checkCount(await(inFlight), inFlightLength);
                inFlight = null;
            }
            if (filled == 0) {
                return position;
            }
            long length = alignUp(filled, file.offsetAlignment());
            buffer.asSlice(filled, length - filled).fill((byte) 0);
            inFlight = file.write(buffer.asSlice(0, length), position);
            inFlightLength = length;
            position += filled;
            if (filled < CHUNK) {
                checkCount(await(inFlight), inFlightLength);
                return position;
            }
        }
    }

    /** Fills {@code buffer} from the stream; fewer bytes than its size only at the end of the stream. */
    private static int fill(InputStream body, MemorySegment buffer, byte[] heap) throws IOException {
        int filled = 0;
        while (filled < buffer.byteSize()) {
            int n = body.read(heap, 0, (int) Math.min(heap.length, buffer.byteSize() - filled));
            if (n < 0) {
                break;
            }
            MemorySegment.copy(heap, 0, buffer, ValueLayout.JAVA_BYTE, filled, n);
            filled += n;
        }
        return filled;
    }

    /** An open file ready to stream, or null when there is no file of that name. */
    public Download open(String name) throws IOException {
        try {
            AioFile file = aio.open(resolve(name), AioOpenOption.DIRECT);
            return new Download(file, file.size());
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** Deletes the file; false when there was none. */
    public boolean delete(String name) throws IOException {
        return Files.deleteIfExists(resolve(name));
    }

    /** A file being read: its size is known before the first byte is sent. */
    public record Download(AioFile file, long size) {

        /** Sends the file, reading the next chunk while the current one is written to {@code out}; closes the file. */
        public void sendTo(OutputStream out) throws IOException {
            try (file) {
                if (size == 0) {
                    return;
                }
                MemorySegment[] staging = { file.allocate(CHUNK), file.allocate(CHUNK) };
                byte[] heap = new byte[64 * 1024];
                CompletionStage<Integer> next = file.read(staging[0], 0);
                long position = 0;
                for (int round = 0; position < size; round++) {
                    int n = await(next);
                    if (n <= 0) {
                        throw new IOException(file.path() + " ended at " + position + " of " + size + " bytes");
                    }
                    long following = position + n;
                    if (following < size) {
                        next = file.read(staging[(round + 1) & 1], following);
                    }
                    MemorySegment current = staging[round & 1];
                    int send = (int) Math.min(n, size - position);
                    for (int offset = 0; offset < send; offset += heap.length) {
                        int length = Math.min(heap.length, send - offset);
                        MemorySegment.copy(current, ValueLayout.JAVA_BYTE, offset, heap, 0, length);
                        out.write(heap, 0, length);
                    }
                    position = following;
                }
            }
        }
    }

    private static long alignUp(long value, long alignment) {
        return (value + alignment - 1) / alignment * alignment;
    }

    private static void checkCount(int written, long expected) throws IOException {
        if (written != expected) {
            throw new IOException("short write: " + written + " of " + expected + " bytes");
        }
    }

    private static <T> T await(CompletionStage<T> stage) throws IOException {
        try {
            return stage.toCompletableFuture().get(IO_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("no completion within " + IO_TIMEOUT_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
