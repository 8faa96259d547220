package io.quarkiverse.aio.it;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.zip.CRC32C;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.quarkiverse.aio.AioFile;
import io.smallrye.common.annotation.RunOnVirtualThread;

/**
 * Blocking-style AIO on a virtual thread: each read is submitted, then waited for; the virtual thread unmounts while
 * it waits, so a carrier thread is never held per operation.
 */
@Path("/files/{name}/crc32c")
public class ChecksumResource {

    private static final int CHUNK = 1 << 20;

    @Inject
    FileStore store;

    @GET
    @RunOnVirtualThread
    @Produces(MediaType.TEXT_PLAIN)
    public Response crc32c(@PathParam("name") String name)
            throws IOException, InterruptedException, ExecutionException, TimeoutException {
        if (!FileStore.isValidName(name)) {
            return Response.status(Response.Status.BAD_REQUEST).build();
        }
        FileStore.Download download = store.open(name);
        if (download == null) {
            return Response.status(Response.Status.NOT_FOUND).build();
        }
        CRC32C crc = new CRC32C();
        try (AioFile file = download.file()) {
            MemorySegment buffer = file.allocate(CHUNK);
            for (long position = 0; position < download.size(); position += CHUNK) {
                int n = file.read(buffer, position).toCompletableFuture().get(60, TimeUnit.SECONDS);
                crc.update(buffer.asSlice(0, Math.min(n, download.size() - position)).asByteBuffer());
            }
        }
        return Response.ok(Long.toHexString(crc.getValue()) + "\n").build();
    }
}
