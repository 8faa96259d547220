package io.quarkiverse.aio.vertx;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.Unpooled;
import io.quarkiverse.aio.AioFile;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.impl.ContextInternal;

/**
 * The read stream of an {@link AioAsyncFile}: whole aligned blocks read ahead of the consumer, at most
 * {@link #depth} of them in flight or waiting, and none issued while the stream is paused. The depth adapts: it grows
 * (up to {@link #MAX_DEPTH}) each time the consumer asks for data that is still in the kernel, and shrinks when
 * blocks wait for a consumer that paused, so a fast consumer keeps the disk busy and a slow one holds few blocks.
 * <p>
 * Handlers get a copy of the bytes in a buffer of their own (of {@code setReadBufferSize} bytes), as Vert.x's
 * {@code AsyncFile} gives them, so the block can be read into again at once. Piped to an HTTP response, the blocks
 * themselves go to the socket instead (see {@link #lendTo}), each given back once the response has written it.
 * <p>
 * A consumer that stops taking data (a client that stops reading) must not keep blocks from the other files: once it
 * has been paused for {@link #STALL_NANOS} while others wait for a block, the stream gives back the blocks it read
 * ahead and reads them again when the consumer comes back, and from then on sends a response copies of
 * {@code setReadBufferSize} bytes instead of lending it blocks. What such a stream still holds is at most the one
 * block its socket was sending when it stalled.
 * <p>
 * All state is guarded by the file's monitor; everything that changes it runs on the file's context.
 */
final class ReadAhead {

    static final int MAX_DEPTH = 4;
    /** How long a consumer may keep its read-ahead blocks without taking data while other files wait for blocks. */
    static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** One block of the stream: read from the file at {@link #position}, then delivered from {@link #offset} on. */
    private static final class Block {
        final MemorySegment memory;
        final long position;
        final int requested;
        final int generation;
        int read = -1;
        int offset;
        /** Parts of it that an HTTP response still holds. */
        int lent;
        boolean delivered;

        Block(MemorySegment memory, long position, int requested, int generation) {
            this.memory = memory;
            this.position = position;
            this.requested = requested;
            this.generation = generation;
        }
    }

    private final AioAsyncFile file;
    private final ArrayDeque<Block> blocks = new ArrayDeque<>();
    private Handler<Buffer> handler;
    private Handler<Void> endHandler;
    private Handler<Throwable> exceptionHandler;
    private HttpServerResponse lendTo;
    private Promise<Void> lendDone;
    private long demand = Long.MAX_VALUE;
    /** Bumped at every start and stop: completions of an earlier stream only give their block back. */
    private int generation;
    private boolean active;
    private boolean delivering;
    private boolean waitingForBlock;
    private boolean eof;
    /** The stream ended before an end handler was set: the one set next hears of it. */
    private boolean endUnheard;
    private long nextRead;
    private long end;
    private int depth = 2;
    /** The consumer wants no data now (paused, or its fetched demand used up), since {@link #pausedSince}. */
    private boolean paused;
    private long pausedSince;
    /** The consumer stalled once while others waited: it gets copies, never blocks it could keep. */
    private boolean slow;

    ReadAhead(AioAsyncFile file) {
        this.file = file;
    }

    void handler(Handler<Buffer> handler) {
        this.handler = handler;
        if (handler == null) {
            stop();
        } else if (!active) {
            start();
        }
    }

    /**
     * Callers on another thread than the file's context (Quarkus REST's writer, on a worker thread) set the end handler
     * after the handler, while the stream already runs on the context: a short stream may have ended in between.
     */
    void endHandler(Handler<Void> endHandler) {
        boolean hear;
        synchronized (file) {
            this.endHandler = endHandler;
            hear = endUnheard && endHandler != null;
            endUnheard &= !hear;
        }
        if (hear) {
            file.context().runOnContext(v -> endHandler.handle(null));
        }
    }

    void exceptionHandler(Handler<Throwable> exceptionHandler) {
        this.exceptionHandler = exceptionHandler;
    }

    /**
     * Sends the stream to {@code response} from the blocks themselves, without a copy: each part is wrapped for
     * Netty, and its block is given back once the response's write of it has completed. On success the response is
     * ended; on failure it is reset (a response whose length was announced must not look complete).
     */
    void lendTo(HttpServerResponse response, Promise<Void> done) {
        lendTo = response;
        lendDone = done;
        handler = null;
        start();
    }

    boolean isActive() {
        return active;
    }

    ContextInternal context() {
        return file.context();
    }

    void pause() {
        synchronized (file) {
            demand = 0;
            noteNoDemand();
            int ready = 0;
            for (Block block : blocks) {
                ready += block.read >= 0 ? 1 : 0;
            }
            if (ready >= depth) { // the consumer is the slower side: hold fewer blocks for it
                depth = Math.max(2, depth - 1);
            }
        }
    }

    void fetch(long amount) {
        if (amount <= 0) {
            return;
        }
        synchronized (file) {
            demand = demand + amount < 0 ? Long.MAX_VALUE : demand + amount;
            paused = false;
        }
        if (active && !delivering) {
            file.context().runOnContext(v -> pump()); // as Vert.x's: data comes later, never within fetch()
        }
    }

    private void start() {
        int started;
        synchronized (file) { // handler() may be called from any thread, the stream runs on the context
            active = true;
            generation++;
            eof = false;
            endUnheard = false;
            waitingForBlock = false; // a block asked for by an earlier stream goes back to the pool when it comes
            slow = false;
            long readPos = file.readPos();
            long readLength = file.getReadLength();
            end = readLength > Long.MAX_VALUE - readPos ? Long.MAX_VALUE : readPos + readLength;
            nextRead = alignDown(readPos);
            started = generation;
            file.pool().reading(this);
        }
        // After the writes accepted so far are in the file; the first data or the end comes later, never within
        // handler(), so that an end handler set just after it on the context hears of the end (from another thread,
        // see endHandler).
        file.writes().whenDrained(() -> file.context().runOnContext(v -> {
            synchronized (file) {
                if (started != generation) {
                    return;
                }
            }
            pump();
        }));
    }

    /** Stops the stream: blocks already read go back to the pool, those in the kernel when their read completes. */
    void stop() {
        synchronized (file) {
            if (!active) {
                return;
            }
            active = false;
            dropBlocks();
            file.pool().doneReading(this);
        }
    }

    /**
     * Called by the pool while others wait for blocks: a stream whose consumer has not taken data for
     * {@link #STALL_NANOS} gives back the blocks it read ahead (those in the kernel when their read completes) and
     * reads them again when the consumer comes back.
     */
    void shedIfStalled(long now) {
        synchronized (file) {
            if (!active || !paused || now - pausedSince < STALL_NANOS || blocks.isEmpty()) {
                return;
            }
            slow = true;
            dropBlocks();
            eof = false;
            nextRead = alignDown(file.readPos());
        }
    }

    /** Gives back every block of the stream: at once, or when its read completes or its response has written it. */
    private void dropBlocks() {
        generation++; // completions of reads issued before only give their block back
        for (Block block : blocks) {
            block.delivered = true;
            if (block.read >= 0) {
                release(block);
            }
        }
        blocks.clear();
    }

    private void pump() {
        deliver();
        fill();
    }

    /** Issues reads while the stream wants data and has room for blocks. */
    private void fill() {
        synchronized (file) {
            while (active && demand > 0 && !eof && !waitingForBlock && blocks.size() < (slow ? 1 : depth)
                    && nextRead < end) {
                MemorySegment memory = file.pool().tryTake();
                if (memory == null) {
                    if (blocks.isEmpty()) { // nothing of ours will come back to go on with: wait in line
                        waitingForBlock = true;
                        int waitingGeneration = generation;
                        file.pool().take(file.context(), block -> blockArrived(block, waitingGeneration));
                    }
                    return;
                }
                read(memory);
            }
        }
    }

    private void blockArrived(MemorySegment memory, int waitingGeneration) {
        synchronized (file) {
            waitingForBlock = false;
            if (!active || waitingGeneration != generation || nextRead >= end || eof) {
                file.pool().give(memory);
                return;
            }
            read(memory);
        }
        fill();
    }

    private void read(MemorySegment memory) {
        AioFile from = file.readFile();
        long left = end - nextRead;
        int alignment = file.readAlignment();
        int length = left >= BlockPool.BLOCK ? BlockPool.BLOCK : (int) alignUp(left, alignment);
        Block block = new Block(memory, nextRead, length, generation);
        blocks.add(block);
        nextRead += length;
        file.whenDone(from.read(memory.asSlice(0, length), block.position), (n, error) -> readDone(block, n, error));
    }

    private void readDone(Block block, Integer n, Throwable error) {
        synchronized (file) {
            block.read = error == null ? n : 0;
            if (block.generation != generation || !active) {
                release(block);
                return;
            }
            if (error != null) {
                blocks.remove(block);
                block.delivered = true;
                release(block);
            } else if (n < block.requested) {
                eof = true; // a short read of a regular file: its end
            }
        }
        if (error != null) {
            fail(error);
            return;
        }
        pump();
    }

    /** Hands the data that is read, in order, to the handler (or the response) while it wants more. */
    private void deliver() {
        if (delivering) {
            return; // a handler that calls fetch() or resume(): the loop below goes on
        }
        delivering = true;
        try {
            for (;;) {
                Buffer chunk;
                Handler<Buffer> to;
                Block lent = null;
                HttpServerResponse response;
                synchronized (file) {
                    if (!active || demand == 0) {
                        return;
                    }
                    Block head = blocks.peek();
                    if (head == null) {
                        if (eof || nextRead >= end) {
                            break; // everything delivered: the end, outside the lock
                        }
                        return;
                    }
                    if (head.read < 0) {
                        depth = Math.min(MAX_DEPTH, depth + 1); // the consumer waits for the disk: read further ahead
                        return;
                    }
                    long available = Math.min(head.read, end - head.position);
                    long from = Math.max(head.offset, file.readPos() - head.position);
                    if (from >= available) {
                        blocks.poll();
                        head.delivered = true;
                        if (head.read < head.requested) {
                            eof = true;
                        }
                        release(head);
                        continue;
                    }
                    boolean lend = lendTo != null && !slow;
                    int length = (int) Math.min(available - from, lend ? BlockPool.BLOCK : file.readBufferSize());
                    MemorySegment part = head.memory.asSlice(from, length);
                    if (lend) {
                        chunk = Buffer.buffer(Unpooled.wrappedBuffer(part.asByteBuffer()));
                        head.lent++;
                        lent = head;
                    } else {
                        byte[] copy = new byte[length];
                        MemorySegment.copy(part, ValueLayout.JAVA_BYTE, 0, copy, 0, length);
                        chunk = Buffer.buffer(Unpooled.wrappedBuffer(copy));
                    }
                    head.offset = (int) from + length;
                    file.delivered(length);
                    if (demand != Long.MAX_VALUE && --demand == 0) {
                        noteNoDemand(); // a consumer that fetch()es: it takes no more until it fetches again
                    }
                    to = handler;
                    response = lendTo;
                }
                if (response != null) {
                    send(response, chunk, lent);
                } else if (to != null) {
                    to.handle(chunk);
                }
            }
        } finally {
            delivering = false;
        }
        ended();
    }

    /** Writes a part of {@code block} lent to the response, or (with a null block) a copy. */
    private void send(HttpServerResponse response, Buffer chunk, Block block) {
        response.write(chunk).onComplete(written -> {
            if (block != null) {
                synchronized (file) {
                    block.lent--;
                    release(block);
                }
            }
            if (written.failed()) {
                onFileContext(() -> fail(written.cause()));
            } else if (block != null) {
                onFileContext(this::fill); // a block came back: there may be room to read ahead again
            }
        });
        if (response.writeQueueFull()) {
            pause();
            response.drainHandler(v -> {
                synchronized (file) {
                    demand = Long.MAX_VALUE;
                    paused = false;
                }
                onFileContext(this::pump);
            });
        }
    }

    private void ended() {
        Handler<Void> then;
        HttpServerResponse response;
        Promise<Void> done;
        synchronized (file) {
            if (!active) {
                return;
            }
            active = false;
            generation++;
            handler = null; // as Vert.x's: a new handler starts a new stream from the read position
            then = endHandler;
            response = lendTo;
            endUnheard = then == null && response == null;
            done = lendDone;
            lendTo = null;
            lendDone = null;
            file.pool().doneReading(this); // under the monitor: a stream started right after registers again
        }
        if (response != null) {
            response.end().onComplete(done);
        } else if (then != null) {
            then.handle(null);
        }
    }

    private void fail(Throwable error) {
        HttpServerResponse response;
        Promise<Void> done;
        Handler<Throwable> to;
        synchronized (file) {
            stop();
            response = lendTo;
            done = lendDone;
            lendTo = null;
            lendDone = null;
            to = exceptionHandler;
        }
        if (response != null) {
            if (done.tryFail(error)) {
                response.reset();
            }
        } else if (to != null && error instanceof Exception) {
            to.handle(error);
        } else {
            file.context().reportException(error);
        }
    }

    private void noteNoDemand() {
        if (!paused) {
            paused = true;
            pausedSince = System.nanoTime();
        }
    }

    /** The response completes writes on its own context, which need not be the file's: the stream runs on the file's. */
    private void onFileContext(Runnable action) {
        if (file.context().isRunningOnContext()) {
            action.run();
        } else {
            file.context().runOnContext(v -> action.run());
        }
    }

    /** Gives a block back once it is read, delivered (or dropped) and no response holds a part of it. */
    private void release(Block block) {
        if (block.read >= 0 && block.delivered && block.lent == 0) {
            block.read = Integer.MIN_VALUE; // given back: never twice
            file.pool().give(block.memory);
        }
    }

    private long alignDown(long position) {
        int alignment = file.readAlignment();
        return position / alignment * alignment;
    }

    static long alignUp(long value, int alignment) {
        return (value + alignment - 1) / alignment * alignment;
    }
}
