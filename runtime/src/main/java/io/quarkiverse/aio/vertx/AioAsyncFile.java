package io.quarkiverse.aio.vertx;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;

import io.netty.buffer.ByteBuf;
import io.quarkiverse.aio.AioFile;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.AsyncFileLock;
import io.vertx.core.file.FileSystemException;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.streams.WriteStream;

/**
 * Vert.x's {@link AsyncFile} over kernel AIO. The file is open twice: buffered, for what is not aligned for direct
 * I/O, and with {@code O_DIRECT} where the file system allows it, for the stream reads ({@link ReadAhead}) and the
 * block writes of the write stream ({@link WriteBehind}); the kernel keeps both views of the file coherent. No thread
 * is held while bytes move: every operation is submitted from the calling thread, and its handler or future completes
 * on the Vert.x context the file was opened on, as Vert.x's own {@code AsyncFile} does.
 */
final class AioAsyncFile implements AsyncFile {

    /** The size of the buffers the read stream hands to its handler, as Vert.x's {@code AsyncFile}. */
    static final int DEFAULT_READ_BUFFER_SIZE = 8192;

    private final ContextInternal context;
    private final BlockPool pool;
    private final Path path;
    private final AioFile buffered;
    /** Null where the file system refuses O_DIRECT, or its alignment needs more than the pool's blocks have. */
    private final AioFile direct;
    private final boolean deleteOnClose;
    private final boolean readable;
    private final boolean writable;
    private final ReadAhead reads = new ReadAhead(this);
    private final WriteBehind writes = new WriteBehind(this);
    private FileChannel lockChannel;
    private boolean closed;
    private long readPos;
    private long readLength = Long.MAX_VALUE;
    private long writePos;
    private int readBufferSize = DEFAULT_READ_BUFFER_SIZE;

    AioAsyncFile(ContextInternal context, BlockPool pool, Path path, AioFile buffered, AioFile direct,
            boolean deleteOnClose, boolean readable, boolean writable, long writePos) {
        this.readable = readable;
        this.writable = writable;
        this.context = context;
        this.pool = pool;
        this.path = path;
        this.buffered = buffered;
        this.direct = direct;
        this.deleteOnClose = deleteOnClose;
        this.writePos = writePos;
    }

    // --- for ReadAhead and WriteBehind

    ContextInternal context() {
        return context;
    }

    BlockPool pool() {
        return pool;
    }

    Path path() {
        return path;
    }

    WriteBehind writes() {
        return writes;
    }

    AioFile readFile() {
        return direct != null ? direct : buffered;
    }

    int readAlignment() {
        return direct != null ? direct.offsetAlignment() : 1;
    }

    AioFile directWriteFile() {
        return direct;
    }

    AioFile bufferedFile() {
        return buffered;
    }

    int writeAlignment() {
        return direct != null ? direct.offsetAlignment() : 1;
    }

    synchronized long readPos() {
        return readPos;
    }

    synchronized int readBufferSize() {
        return readBufferSize;
    }

    /** The read stream handed {@code length} bytes on: the read position moves, the length left shrinks. */
    synchronized void delivered(int length) {
        readPos += length;
        if (readLength != Long.MAX_VALUE) {
            readLength -= length;
        }
    }

    /**
     * Runs {@code action} on this file's context when {@code stage} completes: directly when the completion arrives on
     * it, else through the context. A stage complete already (a buffered write completes inside {@code io_submit})
     * goes through the context too, so that no handler runs inside the call that started the operation.
     */
    <T> void whenDone(CompletionStage<T> stage, BiConsumer<T, Throwable> action) {
        // Never inline while registering (a stage that completed already, or completes meanwhile): the caller is in
        // the middle of changing its state. Later, on the context, inline saves a hop.
        boolean[] registering = { true };
        stage.whenComplete((result, error) -> {
            if (!registering[0] && context.isRunningOnContext()) {
                action.accept(result, unwrap(error));
            } else {
                context.runOnContext(v -> action.accept(result, unwrap(error)));
            }
        });
        registering[0] = false;
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof java.util.concurrent.CompletionException && error.getCause() != null ? error.getCause()
                : error;
    }

    /** As Vert.x's, whose channel throws these at once. */
    private void checkWritable() {
        if (!writable) {
            throw new java.nio.channels.NonWritableChannelException();
        }
    }

    private void checkReadable() {
        if (!readable) {
            throw new java.nio.channels.NonReadableChannelException();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("File handle is closed");
        }
    }

    // --- read stream

    @Override
    public synchronized AsyncFile handler(Handler<Buffer> handler) {
        checkOpen();
        if (handler != null) {
            checkReadable();
        }
        reads.handler(handler);
        return this;
    }

    @Override
    public synchronized AsyncFile pause() {
        checkOpen();
        reads.pause();
        return this;
    }

    @Override
    public synchronized AsyncFile resume() {
        checkOpen();
        reads.fetch(Long.MAX_VALUE);
        return this;
    }

    @Override
    public synchronized AsyncFile fetch(long amount) {
        reads.fetch(amount);
        return this;
    }

    @Override
    public synchronized AsyncFile endHandler(Handler<Void> endHandler) {
        checkOpen();
        reads.endHandler(endHandler);
        return this;
    }

    @Override
    public synchronized AsyncFile exceptionHandler(Handler<Throwable> handler) {
        checkOpen();
        reads.exceptionHandler(handler);
        writes.exceptionHandler(handler);
        return this;
    }

    @Override
    public synchronized AsyncFile setReadPos(long readPos) {
        this.readPos = readPos;
        return this;
    }

    @Override
    public synchronized AsyncFile setReadLength(long readLength) {
        this.readLength = readLength;
        return this;
    }

    @Override
    public synchronized long getReadLength() {
        return readLength;
    }

    @Override
    public synchronized AsyncFile setReadBufferSize(int readBufferSize) {
        this.readBufferSize = readBufferSize;
        return this;
    }

    /**
     * To an HTTP response, the blocks go to the socket as they were read, without a copy (see
     * {@link ReadAhead#lendTo}); to anything else, as Vert.x's pipe sends them.
     */
    @Override
    public Future<Void> pipeTo(WriteStream<Buffer> destination) {
        if (destination instanceof HttpServerResponse response) {
            Promise<Void> done = context.promise();
            synchronized (this) {
                checkOpen();
                if (!reads.isActive()) {
                    reads.lendTo(response, done);
                    return done.future();
                }
            }
        }
        return AsyncFile.super.pipeTo(destination);
    }

    @Override
    public void pipeTo(WriteStream<Buffer> destination, Handler<AsyncResult<Void>> handler) {
        pipeTo(destination).onComplete(handler);
    }

    // --- write stream

    @Override
    public Future<Void> write(Buffer data) {
        Promise<Void> promise = context.promise();
        write(data, promise);
        return promise.future();
    }

    @Override
    public void write(Buffer data, Handler<AsyncResult<Void>> handler) {
        Objects.requireNonNull(data, "buffer");
        synchronized (this) { // one monitor with close, so that no write lands in a stage after the close drained
            checkOpen();
            checkWritable();
            long position = writePos;
            writePos += data.length();
            writes.write(data, position, handler != null ? handler : ignored -> {
            });
        }
    }

    @Override
    public synchronized AsyncFile setWriteQueueMaxSize(int maxSize) {
        if (maxSize < 2) {
            throw new IllegalArgumentException("maxSize must be >= 2");
        }
        checkOpen();
        writes.setMaxQueued(maxSize);
        return this;
    }

    @Override
    public synchronized boolean writeQueueFull() {
        checkOpen();
        return writes.writeQueueFull();
    }

    @Override
    public synchronized AsyncFile drainHandler(Handler<Void> handler) {
        checkOpen();
        writes.drainHandler(handler);
        return this;
    }

    @Override
    public synchronized AsyncFile setWritePos(long writePos) {
        this.writePos = writePos;
        return this;
    }

    @Override
    public synchronized long getWritePos() {
        return writePos;
    }

    @Override
    public Future<Void> end() {
        return close();
    }

    @Override
    public void end(Handler<AsyncResult<Void>> handler) {
        close(handler);
    }

    // --- positioned operations

    @Override
    public Future<Void> write(Buffer data, long position) {
        Objects.requireNonNull(data, "buffer");
        if (position < 0) {
            throw new IllegalArgumentException("position must be >= 0");
        }
        checkOpenNow();
        checkWritable();
        Promise<Void> promise = context.promise();
        // After the stream's writes, so that a write the caller saw complete never lands over this one.
        writes.whenDrained(() -> writeAt(data.getByteBuf(), position, promise));
        return promise.future();
    }

    private void writeAt(ByteBuf bytes, long position, Promise<Void> promise) {
        if (bytes.readableBytes() == 0) {
            promise.complete();
            return;
        }
        ByteBuffer nio = bytes.nioBuffer();
        int length = nio.remaining();
        CompletionStage<Integer> written;
        try {
            written = buffered.write(nio, position);
        } catch (RuntimeException e) {
            promise.fail(e);
            return;
        }
        whenDone(written, (n, error) -> {
            if (error != null) {
                promise.fail(error);
            } else if (n < length) { // the kernel wrote part of it (a file size limit, a full disk): write the rest
                writeAt(bytes.slice(bytes.readerIndex() + n, length - n), position + n, promise);
            } else {
                promise.complete();
            }
        });
    }

    @Override
    public void write(Buffer data, long position, Handler<AsyncResult<Void>> handler) {
        Objects.requireNonNull(handler, "handler");
        write(data, position).onComplete(handler);
    }

    @Override
    public Future<Buffer> read(Buffer buffer, int offset, long position, int length) {
        Objects.requireNonNull(buffer, "buffer");
        if (offset < 0 || position < 0 || length < 0) {
            throw new IllegalArgumentException((offset < 0 ? "offset" : position < 0 ? "position" : "length")
                    + " must be >= 0");
        }
        checkOpenNow();
        checkReadable();
        Promise<Buffer> promise = context.promise();
        if (length == 0) {
            promise.complete(buffer);
            return promise.future();
        }
        writes.whenDrained(() -> readAt(buffer, offset, position, length, promise));
        return promise.future();
    }

    private void readAt(Buffer buffer, int offset, long position, int length, Promise<Buffer> promise) {
        AioFile from = readFile();
        int alignment = readAlignment();
        long start = position / alignment * alignment;
        long covering = ReadAhead.alignUp(position + length, alignment) - start;
        // Library memory of its own: a positioned read must not wait behind the streams for a block of the pool.
        MemorySegment memory = from.allocate(covering);
        CompletionStage<Integer> read;
        try {
            read = from.read(memory, start);
        } catch (RuntimeException e) {
            promise.fail(e);
            return;
        }
        whenDone(read, (n, error) -> {
            if (error != null) {
                promise.fail(error);
                return;
            }
            int skip = (int) (position - start);
            int got = (int) Math.max(0, Math.min(length, n - skip));
            if (got > 0) {
                buffer.setBytes(offset, memory.asSlice(skip, got).asByteBuffer());
            }
            promise.complete(buffer);
        });
    }

    @Override
    public AsyncFile read(Buffer buffer, int offset, long position, int length,
            Handler<AsyncResult<Buffer>> handler) {
        Objects.requireNonNull(handler, "handler");
        read(buffer, offset, position, length).onComplete(handler);
        return this;
    }

    @Override
    public Future<Void> flush() {
        checkOpenNow();
        Promise<Void> promise = context.promise();
        writes.whenDrained(() -> {
            Throwable failure = writes.failure();
            if (failure != null) {
                promise.fail(failure);
                return;
            }
            whenDone(buffered.fdatasync(), (v, error) -> {
                if (error != null) {
                    promise.fail(error);
                } else {
                    promise.complete();
                }
            });
        });
        return promise.future();
    }

    @Override
    public AsyncFile flush(Handler<AsyncResult<Void>> handler) {
        flush().onComplete(handler);
        return this;
    }

    @Override
    public long sizeBlocking() {
        try {
            long pending;
            synchronized (this) {
                pending = writes.pendingEnd();
            }
            return Math.max(buffered.size(), pending);
        } catch (IOException e) {
            throw new FileSystemException(e);
        }
    }

    @Override
    public Future<Long> size() {
        try {
            return context.succeededFuture(sizeBlocking()); // statx: no wait worth a worker thread
        } catch (FileSystemException e) {
            return context.failedFuture(e);
        }
    }

    // --- locks: POSIX record locks, as Vert.x's (through a FileChannel on the same open file)

    @Override
    public AsyncFileLock tryLock() {
        return tryLock(0, Long.MAX_VALUE, false);
    }

    @Override
    public AsyncFileLock tryLock(long position, long size, boolean shared) {
        try {
            FileLock lock = lockChannel().tryLock(position, size, shared);
            return lock == null ? null : new AioAsyncFileLock(context, lock);
        } catch (IOException e) {
            throw new FileSystemException(e);
        }
    }

    @Override
    public Future<AsyncFileLock> lock() {
        return lock(0, Long.MAX_VALUE, false);
    }

    @Override
    public void lock(Handler<AsyncResult<AsyncFileLock>> handler) {
        lock().onComplete(handler);
    }

    @Override
    public Future<AsyncFileLock> lock(long position, long size, boolean shared) {
        return context.executeBlockingInternal(() -> {
            try {
                return new AioAsyncFileLock(context, lockChannel().lock(position, size, shared));
            } catch (IOException e) {
                throw new FileSystemException(e);
            }
        });
    }

    @Override
    public void lock(long position, long size, boolean shared, Handler<AsyncResult<AsyncFileLock>> handler) {
        lock(position, size, shared).onComplete(handler);
    }

    private synchronized FileChannel lockChannel() throws IOException {
        checkOpen();
        if (lockChannel == null) {
            Path same = io.quarkiverse.aio.internal.Descriptors.procPath(buffered).orElse(path);
            try {
                lockChannel = FileChannel.open(same, StandardOpenOption.READ, StandardOpenOption.WRITE);
            } catch (IOException e) { // opened for one of them only: locks of the other kind fail as Vert.x's do
                try {
                    lockChannel = FileChannel.open(same, StandardOpenOption.READ);
                } catch (IOException notReadable) {
                    lockChannel = FileChannel.open(same, StandardOpenOption.WRITE);
                }
            }
        }
        return lockChannel;
    }

    // --- close

    @Override
    public Future<Void> close() {
        Promise<Void> promise = context.promise();
        synchronized (this) {
            checkOpen();
            closed = true;
        }
        reads.stop();
        // The writes accepted so far go to the file first (a failure of one fails the close), then both descriptors
        // close once their last operation has completed.
        writes.whenDrained(() -> {
            Throwable failure = writes.failure();
            CompletionStage<Void> descriptors = buffered.closeAsync();
            if (direct != null) {
                descriptors = descriptors.thenCombine(direct.closeAsync(), (a, b) -> null);
            }
            whenDone(descriptors, (v, error) -> {
                Throwable first = failure != null ? failure : error;
                try {
                    synchronized (this) {
                        if (lockChannel != null) {
                            lockChannel.close(); // releases this file's locks
                        }
                    }
                    if (deleteOnClose) {
                        Files.deleteIfExists(path);
                    }
                } catch (IOException e) {
                    first = first != null ? first : e;
                }
                if (first != null) {
                    promise.fail(first);
                } else {
                    promise.complete();
                }
            });
        });
        return promise.future();
    }

    @Override
    public void close(Handler<AsyncResult<Void>> handler) {
        Future<Void> closing = close();
        if (handler != null) {
            closing.onComplete(handler);
        }
    }

    private synchronized void checkOpenNow() {
        checkOpen();
    }

    @Override
    public String toString() {
        return "AioAsyncFile[" + path + (direct != null ? ", O_DIRECT" : "") + (closed ? ", closed" : "") + "]";
    }
}
