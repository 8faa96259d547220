package io.quarkiverse.aio.it.journal;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkiverse.aio.it.FileStore;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.common.annotation.Blocking;

/**
 * The baseline for the journal benchmark, as applications write journals without this extension: on a worker
 * thread, {@code FileChannel.write} of the same record format at the end of the file, then {@code force(false)}
 * (fdatasync) before answering. Concurrent requests share the file; each forces for itself, as each must know its
 * own record is durable.
 */
@jakarta.ws.rs.Path("/journal-filechannel/{name}")
@ApplicationScoped
public class FileChannelJournalResource {

    @ConfigProperty(name = "demo.journal-dir", defaultValue = "journals")
    Path configuredDir;

    private final Map<String, Appender> open = new ConcurrentHashMap<>();

    @POST
    @Blocking
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Long> append(@PathParam("name") String name, byte[] body) throws IOException {
        if (!FileStore.isValidName(name) || body.length > RecordFormat.MAX_PAYLOAD) {
            throw new jakarta.ws.rs.BadRequestException("invalid name, or more than " + RecordFormat.MAX_PAYLOAD + " bytes");
        }
        Appender appender = open.computeIfAbsent(name, this::openAppender);
        return Map.of("offset", appender.append(body));
    }

    private Appender openAppender(String name) {
        try {
            Path dir = Files.createDirectories(configuredDir);
            return new Appender(FileChannel.open(dir.resolve(name + ".fc-journal"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    void close(@Observes ShutdownEvent event) throws IOException {
        for (Appender appender : open.values()) {
            appender.channel.close();
        }
    }

    private static final class Appender {
        final FileChannel channel;
        private long end;

        Appender(FileChannel channel) throws IOException {
            this.channel = channel;
            this.end = channel.size();
        }

        long append(byte[] payload) throws IOException {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment record = arena.allocate(RecordFormat.HEADER + payload.length);
                RecordFormat.encode(payload, record, 0);
                long at;
                synchronized (this) {
                    at = end;
                    end += record.byteSize();
                }
                var buffer = record.asByteBuffer();
                for (long position = at; buffer.hasRemaining();) {
                    position += channel.write(buffer, position);
                }
                channel.force(false);
                return at;
            }
        }
    }
}
