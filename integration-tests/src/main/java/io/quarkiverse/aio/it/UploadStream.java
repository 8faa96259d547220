package io.quarkiverse.aio.it;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.CompletableFuture;

import io.quarkiverse.aio.AioFile;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

/**
 * Receives a request body on the Vert.x event loop into 1 MiB aligned buffers and writes each to the temporary file
 * as soon as it is full, with up to {@link #WRITES_IN_FLIGHT} writes in the kernel. When they are all busy, or the
 * {@link BufferPool} has no buffer free, the request is paused, so a client faster than the disk waits in TCP rather
 * than in memory. One copy per byte, from Netty's buffer into the aligned one; the kernel takes it from there.
 * Everything here runs on the request's event loop.
 */
final class UploadStream {

    static final int WRITES_IN_FLIGHT = 4;

    private final HttpServerRequest request;
    private final AioFile file;
    private final BufferPool pool;
    private final CompletableFuture<Long> done = new CompletableFuture<>();
    /** The buffer being filled; null while waiting for one. */
    private MemorySegment current;
    private int filled;
    /** What arrived while no buffer was free, from {@link #pendingOffset}. */
    private Buffer pending;
    private int pendingOffset;
    private long position;
    private int writing;
    private boolean paused = true;
    private boolean ended;
    private boolean endSeen;
    private Throwable failure;

    private UploadStream(HttpServerRequest request, AioFile file, BufferPool pool) {
        this.request = request;
        this.file = file;
        this.pool = pool;
    }

    /**
     * Takes the body of a paused request; the stage completes with the number of bytes received once every one is
     * written (not yet synced), or fails when the client went away or a write failed. Resumes the request.
     */
    static CompletableFuture<Long> receive(HttpServerRequest request, AioFile file, BufferPool pool) {
        UploadStream stream = new UploadStream(request, file, pool);
        request.handler(data -> stream.onData(data, 0));
        request.endHandler(v -> stream.onEnd());
        request.exceptionHandler(stream::fail);
        request.response().closeHandler(v -> stream.fail(new IOException("the client went away")));
        if (request.response().closed()) { // went away while the file was prepared: no handler will hear of it
            stream.fail(new IOException("the client went away"));
            return stream.done;
        }
        pool.take(stream::bufferArrived);
        return stream.done;
    }

    private void bufferArrived(MemorySegment buffer) {
        if (ended) {
            pool.give(buffer);
            return;
        }
        current = buffer;
        filled = 0;
        if (pending != null) {
            Buffer data = pending;
            pending = null;
            onData(data, pendingOffset);
        }
        if (endSeen && pending == null) {
            onEnd();
        }
        resumeIfPossible();
    }

    private void onData(Buffer data, int from) {
        if (ended) {
            return;
        }
        int offset = from, length = data.length();
        while (offset < length) {
            if (current == null) { // no buffer free: keep the rest and wait for one
                pending = data;
                pendingOffset = offset;
                pause();
                return;
            }
            int n = Math.min(length - offset, BufferPool.CHUNK - filled);
            data.getByteBuf().getBytes(data.getByteBuf().readerIndex() + offset,
                    current.asSlice(filled, n).asByteBuffer());
            filled += n;
            offset += n;
            if (filled == BufferPool.CHUNK) {
                write(BufferPool.CHUNK);
                nextBuffer();
            }
        }
    }

    private void nextBuffer() {
        current = pool.tryTake();
        filled = 0;
        if (current == null) {
            pause();
            pool.take(this::bufferArrived);
        }
    }

    private void write(int length) {
        MemorySegment buffer = current;
        current = null;
        long at = position;
        position += filled;
        writing++;
        if (writing >= WRITES_IN_FLIGHT) {
            pause();
        }
        file.write(buffer.asSlice(0, length), at).whenComplete((n, error) -> {
            writing--;
            pool.give(buffer);
            if (error != null) {
                fail(error);
            } else if (n != length) {
                fail(new IOException("short write at " + at + ": " + n + " of " + length + " bytes"));
            }
            resumeIfPossible();
            finishIfEnded();
        });
    }

    private void pause() {
        if (!paused) {
            paused = true;
            request.pause();
        }
    }

    private void resumeIfPossible() {
        if (paused && !ended && current != null && pending == null && writing < WRITES_IN_FLIGHT) {
            paused = false;
            request.resume();
        }
    }

    private void onEnd() {
        if (ended) {
            return;
        }
        if (current == null || pending != null) {
            endSeen = true; // the last bytes wait for a buffer
            return;
        }
        if (filled > 0) {
            int alignment = file.offsetAlignment();
            int length = (filled + alignment - 1) / alignment * alignment;
            current.asSlice(filled, length - filled).fill((byte) 0); // the padding is cut off by the truncate
            write(length);
        } else {
            pool.give(current);
            current = null;
        }
        ended = true;
        finishIfEnded();
    }

    private void finishIfEnded() {
        if (ended && writing == 0 && !done.isDone()) {
            if (failure != null) {
                done.completeExceptionally(failure);
            } else {
                done.complete(position);
            }
        }
    }

    /** The stage fails once no write is in the kernel any more: the temporary file can then be deleted. */
    private void fail(Throwable cause) {
        if (failure != null || done.isDone()) {
            return;
        }
        failure = cause;
        ended = true;
        pending = null;
        if (current != null) {
            pool.give(current);
            current = null;
        }
        finishIfEnded();
    }
}
