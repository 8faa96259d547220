package io.quarkiverse.aio.vertx;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.quarkiverse.aio.AioFile;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;

/**
 * The write stream of an {@link AioAsyncFile}. Consecutive writes are copied into one aligned block, and the block is
 * written when it is full, in one {@code O_DIRECT} write, or when the stream is flushed, ended or closed, or a write
 * elsewhere in the file, a read or a new read stream needs it in the file first. Whatever part of it is not aligned
 * for direct I/O (the head of a stream that starts mid-block, the tail at a flush) goes through the file's buffered
 * descriptor; the kernel keeps the two views of the file coherent.
 * <p>
 * A write completes once its bytes are in a block, as a buffered write completes once its bytes are in the page cache:
 * a failure of the block's write later is reported to the exception handler, and fails the flush, the end or the
 * close that follows, and every write after it. A write that finds no block free completes later: once a block of
 * its stream comes back and takes its bytes, or, when its stream has none in the kernel, once the buffered file has
 * them. Until then the caller's buffer is still read. Back-pressure counts the bytes in the kernel and those waiting:
 * {@code writeQueueFull()} past {@code setWriteQueueMaxSize}, the drain handler once half of it is free.
 * <p>
 * All state is guarded by the file's monitor.
 */
final class WriteBehind {

    /**
     * Bytes in the kernel and waiting for a block before {@code writeQueueFull()}: room for blocks being written while
     * the next fills.
     */
    static final int DEFAULT_MAX_QUEUED = 4 * BlockPool.BLOCK;

    /** A block being written, in one or more pieces: given back when the last completes. */
    private static final class Flight {
        final MemorySegment block;
        int pieces;

        Flight(MemorySegment block) {
            this.block = block;
        }
    }

    /**
     * A write accepted while no block was free, waiting for one of this stream's blocks to come back: its handler hears
     * of it once its bytes are copied, so that the caller keeps its buffer untouched until then.
     */
    private record Waiting(Buffer data, int offset, long position, Handler<AsyncResult<Void>> handler) {
    }

    private final AioAsyncFile file;
    private final List<Runnable> drainedCallbacks = new ArrayList<>();
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    private long waitingBytes;
    /** While waiting writes resume: the block just come back, not yet used. */
    private MemorySegment returned;
    private int flightsInKernel;
    private MemorySegment stage;
    /** The file position of the stage's first byte (aligned), and the staged range [from, to). */
    private long stageBase;
    private long from;
    private long to;
    private long inKernel;
    private int piecesInKernel;
    private int maxQueued = DEFAULT_MAX_QUEUED;
    private boolean overflow;
    private Handler<Void> drainHandler;
    private Handler<Throwable> exceptionHandler;
    private Throwable failure;

    WriteBehind(AioAsyncFile file) {
        this.file = file;
    }

    void setMaxQueued(int maxQueued) {
        this.maxQueued = maxQueued;
    }

    void drainHandler(Handler<Void> drainHandler) {
        this.drainHandler = drainHandler;
    }

    void exceptionHandler(Handler<Throwable> exceptionHandler) {
        this.exceptionHandler = exceptionHandler;
    }

    boolean writeQueueFull() {
        return overflow;
    }

    /** The first failure of a write already acknowledged, or null. */
    Throwable failure() {
        return failure;
    }

    /** The end of the bytes accepted and not yet in the file (0 when none): the file is at least that long. */
    long pendingEnd() {
        long end = stage != null ? to : 0;
        for (Waiting write : waiting) {
            end = Math.max(end, write.position() + write.data().length() - write.offset());
        }
        return end;
    }

    /** Accepts {@code data} for {@code position} on: it is on its way to the file when {@code handler} hears of it. */
    void write(Buffer data, long position, Handler<AsyncResult<Void>> handler) {
        synchronized (file) {
            if (failure != null) {
                handler.handle(Future.failedFuture(failure));
                return;
            }
            int copied = waiting.isEmpty() ? copyIn(data, 0, position) : 0; // else after the writes that wait
            overflow |= inKernel + waitingBytes + data.length() - copied >= maxQueued;
            if (copied < data.length()) {
                if (!tookOver(data, copied, position + copied, handler)) {
                    waiting.addLast(new Waiting(data, copied, position + copied, handler));
                    waitingBytes += data.length() - copied;
                }
                return;
            }
        }
        handler.handle(Future.succeededFuture());
    }

    /**
     * The rest of a write that found no block, when its stream has none in the kernel to wait for (it could only wait
     * for other streams): written straight to the buffered file (the kernel copies it), its handler told when that
     * is done. Streams that hold blocks while they wait for a writer (a pipe from one file to another) so cannot wait
     * for each other. False when the write is to wait for a block of its stream instead.
     */
    private boolean tookOver(Buffer data, int offset, long position, Handler<AsyncResult<Void>> handler) {
        if (flightsInKernel > 0) {
            return false;
        }
        int length = data.length() - offset;
        java.nio.ByteBuffer bytes = data.getByteBuf().nioBuffer(offset, length);
        submitted(file.bufferedFile(), length, position, () -> file.bufferedFile().write(bytes, position), null,
                handler);
        return true;
    }

    /**
     * Copies {@code data} from {@code offset} into blocks, writing each that fills, and returns how far it got: it
     * stops where the budget has no block free. The rest waits for a block of this stream to come back, and counts
     * towards a full queue, or is {@linkplain #tookOver taken over} by the buffered file.
     */
    private int copyIn(Buffer data, int offset, long position) {
        int length = data.length();
        while (offset < length) {
            if (stage != null && position != to) {
                submitStage(); // not the next byte of the block: write what it holds first
            }
            if (stage == null) {
                MemorySegment block = takeBlock();
                if (block == null) {
                    return offset;
                }
                stage = block;
                stageBase = position / file.writeAlignment() * file.writeAlignment();
                from = to = position;
            }
            int n = (int) Math.min(length - offset, stageBase + BlockPool.BLOCK - to);
            copy(data, offset, stage, to - stageBase, n);
            offset += n;
            position += n;
            to += n;
            if (to == stageBase + BlockPool.BLOCK) {
                submitStage();
            }
        }
        return length;
    }

    /** A block come back from the kernel that waiting writes may use first, or else one from the budget. */
    private MemorySegment takeBlock() {
        MemorySegment block = returned;
        if (block != null) {
            returned = null;
            return block;
        }
        return file.pool().tryTake();
    }

    /**
     * Copies the waiting writes, in order, into {@code block} (a block of this stream just come back, or null), and on
     * as far as blocks allow; returns the handlers of those copied, to be told outside the lock.
     */
    private List<Handler<AsyncResult<Void>>> resumeWaiting(MemorySegment block) {
        List<Handler<AsyncResult<Void>>> copied = new ArrayList<>();
        returned = block;
        while (!waiting.isEmpty()) {
            Waiting next = waiting.pollFirst();
            int length = next.data().length();
            waitingBytes -= length - next.offset();
            int at = copyIn(next.data(), next.offset(), next.position());
            if (at == length) {
                copied.add(next.handler());
                continue;
            }
            long position = next.position() + at - next.offset();
            if (!tookOver(next.data(), at, position, next.handler())) {
                waiting.addFirst(new Waiting(next.data(), at, position, next.handler()));
                waitingBytes += length - at;
                break;
            }
        }
        if (returned != null) {
            file.pool().give(returned);
            returned = null;
        }
        submitIfDrainWanted();
        return copied;
    }

    private static void copy(Buffer data, int offset, MemorySegment block, long at, int n) {
        ByteBuf bytes = data.getByteBuf();
        if (bytes.hasArray()) {
            MemorySegment.copy(bytes.array(), bytes.arrayOffset() + bytes.readerIndex() + offset, block,
                    ValueLayout.JAVA_BYTE, at, n);
        } else {
            bytes.getBytes(bytes.readerIndex() + offset, block.asSlice(at, n).asByteBuffer());
        }
    }

    /** Writes the staged range: its aligned middle directly, an unaligned head or tail through the buffered file. */
    private void submitStage() {
        MemorySegment block = stage;
        stage = null;
        if (to == from) {
            file.pool().give(block);
            return;
        }
        Flight flight = new Flight(block);
        flightsInKernel++;
        AioFile direct = file.directWriteFile();
        int alignment = file.writeAlignment();
        long middleStart = ReadAhead.alignUp(from, alignment);
        long middleEnd = to / alignment * alignment;
        if (direct == null || middleStart >= middleEnd) {
            flight.pieces = 1;
            piece(flight, file.bufferedFile(), from, to);
            return;
        }
        // Counted before any is submitted: one may complete before the next is.
        flight.pieces = 1 + (from < middleStart ? 1 : 0) + (middleEnd < to ? 1 : 0);
        piece(flight, direct, middleStart, middleEnd);
        if (from < middleStart) {
            piece(flight, file.bufferedFile(), from, middleStart);
        }
        if (middleEnd < to) {
            piece(flight, file.bufferedFile(), middleEnd, to);
        }
    }

    private void piece(Flight flight, AioFile target, long start, long end) {
        int length = (int) (end - start);
        MemorySegment bytes = flight.block.asSlice(start - stageBase, length);
        submitted(target, length, start, () -> target.write(bytes, start), flight, null);
    }

    private void submitted(AioFile target, int length, long position,
            java.util.function.Supplier<java.util.concurrent.CompletionStage<Integer>> write, Flight flight,
            Handler<AsyncResult<Void>> handler) {
        piecesInKernel++;
        inKernel += length;
        java.util.concurrent.CompletionStage<Integer> written;
        try {
            written = write.get();
        } catch (RuntimeException e) { // refused before the kernel (a position past the largest file): a failure
            written = java.util.concurrent.CompletableFuture.failedFuture(e);
        }
        file.whenDone(written, (n, error) -> pieceDone(flight, handler, length, position, n, error));
    }

    /** @param handler of a write taken over by the buffered file, else null */
    private void pieceDone(Flight flight, Handler<AsyncResult<Void>> handler, int length, long position,
            Integer written, Throwable error) {
        Handler<Throwable> report = null;
        Throwable reported = error;
        List<Handler<AsyncResult<Void>>> copied = List.of();
        List<Handler<AsyncResult<Void>>> dropped = List.of();
        Throwable failed;
        Throwable own;
        synchronized (file) {
            piecesInKernel--;
            inKernel -= length;
            if (error == null && written != length) {
                reported = new java.io.IOException("short write at " + position + " of " + file.path() + ": " + written
                        + " of " + length + " bytes");
            }
            own = reported;
            if (reported != null && failure == null) {
                failure = reported;
                report = exceptionHandler;
            } else {
                reported = null;
            }
            failed = failure;
            if (failure != null && !waiting.isEmpty()) { // the stream has failed: what waits fails, as writes after it
                dropped = new ArrayList<>();
                for (Waiting write : waiting) {
                    dropped.add(write.handler());
                }
                waiting.clear();
                waitingBytes = 0;
            }
            if (flight != null && --flight.pieces == 0) {
                flightsInKernel--;
                // A stream waiting in line for a block (a download next to uploads) comes before this stream's
                // waiting writes: they wait for its next block, or go to the page cache when it has none left.
                boolean keep = !waiting.isEmpty() && !file.pool().hasWaiters();
                if (!keep) {
                    file.pool().give(flight.block);
                }
                if (!waiting.isEmpty()) {
                    copied = resumeWaiting(keep ? flight.block : null);
                }
            }
            submitIfDrainWanted(); // a write after a flush may have started a stage the flush now waits for
        }
        if (handler != null) {
            handler.handle(own != null ? Future.failedFuture(own) : Future.succeededFuture());
        }
        copied.forEach(h -> h.handle(Future.succeededFuture()));
        dropped.forEach(h -> h.handle(Future.failedFuture(failed)));
        if (reported != null) {
            if (report != null && reported instanceof Exception) {
                report.handle(reported);
            } else {
                file.context().reportException(reported);
            }
        }
        afterProgress();
    }

    /** Drain handler and drained callbacks, outside the lock. */
    private void afterProgress() {
        Handler<Void> drained = null;
        List<Runnable> callbacks = List.of();
        synchronized (file) {
            if (overflow && inKernel + waitingBytes <= maxQueued / 2) {
                overflow = false;
                drained = drainHandler;
            }
            if (isDrained() && !drainedCallbacks.isEmpty()) {
                callbacks = new ArrayList<>(drainedCallbacks);
                drainedCallbacks.clear();
            }
        }
        if (drained != null) {
            drained.handle(null);
        }
        callbacks.forEach(Runnable::run);
    }

    private boolean isDrained() {
        return stage == null && piecesInKernel == 0 && waiting.isEmpty();
    }

    private void submitIfDrainWanted() {
        if (!drainedCallbacks.isEmpty() && stage != null) {
            submitStage();
        }
    }

    /**
     * Runs {@code then} once every write accepted so far is in the file (at once when there is none): what is staged
     * is written now, without waiting for its block to fill.
     */
    void whenDrained(Runnable then) {
        boolean now;
        synchronized (file) {
            drainedCallbacks.add(then);
            submitIfDrainWanted();
            now = isDrained();
        }
        if (now) {
            afterProgress();
        }
    }
}
