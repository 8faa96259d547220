package io.quarkiverse.aio.it;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;

import org.jboss.logging.Logger;

import io.netty.buffer.Unpooled;
import io.quarkiverse.aio.AioFile;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * Sends a byte range of a file on the Vert.x event loop, with no thread held for the transfer. Reads of 1 MiB aligned
 * blocks run up to {@link #READ_AHEAD} ahead of the socket (fewer when the {@link BufferPool} is short); each block goes to the socket from the very memory the kernel
 * read it into (no copy in Java), and returns to the pool once Netty has written it. When the socket's queue is full
 * the stream waits for it to drain: the client sets the pace, and memory stays bounded.
 * <p>
 * Everything here runs on the event loop of the request: reads submitted from it complete on it.
 */
final class DownloadStream {

    private static final Logger LOG = Logger.getLogger(DownloadStream.class);
    static final int READ_AHEAD = 4;

    /** One block: read from the file, then written to the socket. */
    private static final class Block {
        final MemorySegment buffer;
        final long position;
        int read = -1;

        Block(MemorySegment buffer, long position) {
            this.buffer = buffer;
            this.position = position;
        }
    }

    private final AioFile file;
    private final HttpServerResponse response;
    private final BufferPool pool;
    private final ArrayDeque<Block> blocks = new ArrayDeque<>();
    private final long readEnd;
    private long nextRead;
    /** Bytes of the first block before the range starts. */
    private long skip;
    private long remaining;
    private int writing;
    private boolean stopped;
    private boolean waitingForBuffer;

    private DownloadStream(AioFile file, HttpServerResponse response, BufferPool pool, long start, long length) {
        this.file = file;
        this.response = response;
        this.pool = pool;
        long alignment = file.offsetAlignment();
        this.nextRead = start / alignment * alignment;
        this.skip = start - nextRead;
        this.readEnd = start + length;
        this.remaining = length;
    }

    /** Sends {@code length} bytes from {@code start} as the body of {@code response}, whose headers are set. */
    static void send(AioFile file, HttpServerResponse response, BufferPool pool, long start, long length) {
        DownloadStream stream = new DownloadStream(file, response, pool, start, length);
        response.closeHandler(v -> stream.stop(new IOException("the client went away")));
        response.exceptionHandler(stream::stop);
        stream.readAhead();
    }

    private void readAhead() {
        while (!stopped && !waitingForBuffer && blocks.size() < READ_AHEAD && nextRead < readEnd) {
            MemorySegment buffer = pool.tryTake();
            if (buffer == null) {
                if (blocks.isEmpty() && writing == 0) { // nothing of ours will come back to go on with: wait
                    waitingForBuffer = true;
                    pool.take(this::bufferArrived);
                }
                return;
            }
            read(buffer);
        }
    }

    private void bufferArrived(MemorySegment buffer) {
        waitingForBuffer = false;
        if (stopped || nextRead >= readEnd) {
            pool.give(buffer);
            return;
        }
        read(buffer);
        readAhead();
    }

    private void read(MemorySegment buffer) {
        Block block = new Block(buffer, nextRead);
        blocks.add(block);
        nextRead += BufferPool.CHUNK;
        file.read(block.buffer, block.position).whenComplete((n, error) -> {
            if (error != null) {
                stop(error);
            } else {
                block.read = n;
            }
            if (stopped) {
                pool.give(block.buffer); // the kernel is done with it
                blocks.remove(block);
                closeWhenIdle();
                return;
            }
            sendReady();
        });
    }

    /** Writes the blocks that are read, in order, while the socket takes them. */
    private void sendReady() {
        while (!stopped && !blocks.isEmpty() && blocks.peek().read >= 0) {
            if (response.writeQueueFull()) {
                response.drainHandler(v -> sendReady());
                return;
            }
            Block block = blocks.poll();
            long length = Math.min(block.read - skip, remaining);
            if (length <= 0) {
                stop(new IOException(file.path() + " ended early, at " + (block.position + block.read)));
                pool.give(block.buffer);
                return;
            }
            MemorySegment body = block.buffer.asSlice(skip, length);
            skip = 0;
            remaining -= length;
            writing++;
            Buffer chunk = Buffer.buffer(Unpooled.wrappedBuffer(body.asByteBuffer()));
            Future<Void> written = remaining == 0 ? response.end(chunk) : response.write(chunk);
            written.onComplete(result -> {
                writing--;
                pool.give(block.buffer); // Netty has written it to the socket
                if (result.failed()) {
                    stop(result.cause());
                } else if (remaining == 0) {
                    stopped = true;
                }
                closeWhenIdle();
                readAhead();
                sendReady();
            });
            readAhead();
        }
    }

    private void stop(Throwable cause) {
        if (stopped) {
            return;
        }
        stopped = true;
        if (remaining > 0) {
            LOG.debugf("Download of %s stopped with %d bytes unsent: %s", file.path(), remaining, cause.toString());
            response.reset(); // the length was announced: the client must not take a short body for the whole
        }
        closeWhenIdle();
    }

    /** Closes the file once no read is in the kernel and no block is with the socket. */
    private void closeWhenIdle() {
        if (stopped && writing == 0) {
            for (Block block : blocks) {
                if (block.read >= 0) {
                    pool.give(block.buffer);
                }
            }
            blocks.removeIf(block -> block.read >= 0);
            if (blocks.isEmpty()) {
                file.close();
            }
        }
    }
}
