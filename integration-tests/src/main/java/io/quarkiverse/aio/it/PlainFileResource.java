package io.quarkiverse.aio.it;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.RestResponse;

/**
 * The baselines of the file store's benchmark, as a Quarkus application serves files without this extension, on the
 * same data directory: {@code GET /plain/files/{name}} returns the path, which Vert.x sends with sendfile; {@code PUT
 * /plain/files/{name}} copies the body with {@code FileChannel} on a worker thread, syncs, and renames into place.
 */
@jakarta.ws.rs.Path("/plain/files/{name}")
public class PlainFileResource {

    @Inject
    FileStore store;

    @GET
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    public RestResponse<Path> get(@PathParam("name") String name) {
        if (!FileStore.isValidName(name)) {
            return RestResponse.status(RestResponse.Status.BAD_REQUEST);
        }
        Path path = store.resolve(name);
        return Files.isRegularFile(path) ? RestResponse.ok(path) : RestResponse.notFound();
    }

    @PUT
    @Consumes(MediaType.WILDCARD)
    public RestResponse<Void> put(@PathParam("name") String name, InputStream body) throws IOException {
        if (!FileStore.isValidName(name)) {
            return RestResponse.status(RestResponse.Status.BAD_REQUEST);
        }
        Path target = store.resolve(name);
        Path temp = store.dataDir().resolve(".plain-" + UUID.randomUUID());
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                byte[] chunk = new byte[1 << 16];
                for (int n; (n = body.read(chunk)) > 0;) {
                    ByteBuffer buffer = ByteBuffer.wrap(chunk, 0, n);
                    while (buffer.hasRemaining()) {
                        channel.write(buffer);
                    }
                }
                channel.force(true);
            }
            boolean existed = Files.exists(target);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return existed ? RestResponse.noContent() : RestResponse.status(RestResponse.Status.CREATED);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
