package io.quarkiverse.aio.internal;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.quarkiverse.aio.AioAlignmentException;
import io.quarkiverse.aio.AioClosedException;
import io.quarkiverse.aio.AioFile;
import io.quarkiverse.aio.AioFileLock;
import io.quarkiverse.aio.AioFileStatistics;
import io.quarkiverse.aio.RwFlags;
import io.quarkiverse.aio.internal.ThreadPoolContext.Kind;

/**
 * A file of the thread-pool fallback: each operation is one blocking positional read or write on a pool thread, like
 * one iocb. Per-operation flags are ignored (APPEND included: write at {@link #size()} instead).
 */
final class ThreadPoolFile implements AioFile {

    private final ThreadPoolContext context;
    private final Path path;
    private final FileChannel channel;
    private final FileLimits limits;
    private final boolean readable;
    private final boolean writable;
    final UsageGate gate = new UsageGate();
    /** The fallback counts operations only when they finish (see ThreadPoolContext). */
    final FileCounters counters = new FileCounters(gate::users);
    private final CompletableFuture<Void> closed = new CompletableFuture<>();

    ThreadPoolFile(ThreadPoolContext context, FileChannel channel, FileLimits limits, boolean readable,
            boolean writable) {
        this.context = context;
        this.path = limits.path();
        this.channel = channel;
        this.limits = limits;
        this.readable = readable;
        this.writable = writable;
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public boolean isDirect() {
        return limits.direct();
    }

    @Override
    public CompletionStage<Integer> read(MemorySegment dst, long position) {
        return read(dst, position, RwFlags.NONE);
    }

    @Override
    public CompletionStage<Integer> write(MemorySegment src, long position) {
        return write(src, position, RwFlags.NONE);
    }

    /** Flags: NOWAIT and HIPRI have no meaning for a blocking call and are ignored. */
    @Override
    public CompletionStage<Integer> read(MemorySegment dst, long position, RwFlags flags) {
        check(dst, position, true);
        MemorySegment target = usable(dst, true);
        return context.run(this, Kind.READ, "read of " + dst.byteSize() + " bytes at " + position + " of " + path, () -> {
            int n = Math.max(0, channel.read(target.asByteBuffer(), position));
            if (target != dst) {
                copyOut(target, dst, n);
            }
            return n;
        });
    }

    /** Flags: APPEND writes at the end (appends are serialised), DSYNC and SYNC force the data (and metadata). */
    @Override
    public CompletionStage<Integer> write(MemorySegment src, long position, RwFlags flags) {
        if (flags.contains(RwFlags.ATOMIC)) {
            throw new UnsupportedOperationException(path + " takes no untorn writes (RWF_ATOMIC): the thread-pool"
                    + " fallback writes with FileChannel, which cannot");
        }
        check(src, position, false);
        MemorySegment source = usable(src, false);
        return context.run(this, Kind.WRITE, "write of " + src.byteSize() + " bytes at " + position + " of " + path, () -> {
            int n;
            if (flags.contains(RwFlags.APPEND)) {
                synchronized (this) {
                    n = channel.write(source.asByteBuffer(), channel.size());
                }
            } else {
                n = channel.write(source.asByteBuffer(), position);
            }
            if (flags.contains(RwFlags.SYNC)) {
                channel.force(true);
            } else if (flags.contains(RwFlags.DSYNC)) {
                channel.force(false);
            }
            return n;
        });
    }

    /** A heap or direct buffer: the channel reads into it as it is, and moves its position itself. */
    @Override
    public CompletionStage<Integer> read(ByteBuffer dst, long position) {
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("read into a read-only buffer: the kernel must write into it");
        }
        TransferChecks.range(dst.remaining(), position, limits);
        TransferChecks.readable(MemorySegment.ofBuffer(dst), readable, path);
        return context.run(this, Kind.READ, "read of " + dst.remaining() + " bytes at " + position + " of " + path,
                () -> Math.max(0, channel.read(dst, position)));
    }

    @Override
    public CompletionStage<Integer> write(ByteBuffer src, long position) {
        TransferChecks.range(src.remaining(), position, limits);
        TransferChecks.writable(writable, path);
        // A heap buffer's bytes are taken now, as the engine takes them: the caller may reuse it once write returns.
        ByteBuffer data = src.isDirect() ? src : ByteBuffer.allocate(src.remaining()).put(src.duplicate()).flip();
        return context.run(this, Kind.WRITE, "write of " + src.remaining() + " bytes at " + position + " of " + path,
                () -> {
                    int n = channel.write(data, position);
                    if (data != src) {
                        src.position(src.position() + n);
                    }
                    return n;
                });
    }

    @Override
    public CompletionStage<Void> zeroRange(long position, long length) {
        if (position < 0 || length <= 0 || position > Long.MAX_VALUE - length) {
            throw new IllegalArgumentException("zeroRange needs a position >= 0 and a length > 0");
        }
        TransferChecks.writable(writable, path);
        if (isDirect() && (position % offsetAlignment() != 0 || length % offsetAlignment() != 0)) {
            throw new AioAlignmentException("zeroRange on " + path + " (O_DIRECT) needs a position and a length that"
                    + " are multiples of " + offsetAlignment() + " bytes", offsetAlignment());
        }
        return ZeroWrites.write(this, position, length);
    }

    /** FileChannel's lock: held against other processes; another open in this JVM sees it as held too. */
    @Override
    public AioFileLock tryLock() throws IOException {
        enterForCall();
        try {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                return null;
            }
            return new AioFileLock() {
                @Override
                public boolean isValid() {
                    return lock.isValid();
                }

                @Override
                public void close() {
                    try {
                        lock.release();
                    } catch (IOException e) {
                        // released with the channel anyway
                    }
                }
            };
        } catch (OverlappingFileLockException heldInThisJvm) {
            return null;
        } finally {
            release();
        }
    }

    boolean belongsTo(ThreadPoolContext owner) {
        return context == owner;
    }

    @Override
    public int atomicWriteUnitMin() {
        return 0;
    }

    @Override
    public int atomicWriteUnitMax() {
        return 0;
    }

    @Override
    public AioFileStatistics statistics() {
        return counters.snapshot();
    }

    @Override
    public CompletionStage<Void> closeAsync() {
        close();
        return closed.minimalCompletionStage();
    }

    /** Copies a read that went through library memory into the caller's buffer; a closed arena fails it as closed. */
    private void copyOut(MemorySegment from, MemorySegment to, long bytes) throws AioClosedException {
        try {
            MemorySegment.copy(from, 0, to, 0, bytes);
        } catch (IllegalStateException closed) {
            throw new AioClosedException("a read of " + path + " completed, but the arena of its buffer was closed"
                    + " before the data could be copied into it; the data was discarded");
        }
    }

    @Override
    public CompletionStage<Long> read(MemorySegment[] dsts, long position) {
        TransferChecks.vector(dsts, position, limits);
        MemorySegment[] targets = new MemorySegment[dsts.length];
        for (int i = 0; i < dsts.length; i++) {
            check(dsts[i], position, true);
            targets[i] = usable(dsts[i], true);
        }
        return context.run(this, Kind.READ, "vectored read at " + position + " of " + path, () -> {
            long total = 0;
            for (int i = 0; i < targets.length; i++) {
                ByteBuffer buffer = targets[i].asByteBuffer();
                while (buffer.hasRemaining()) {
                    int n = channel.read(buffer, position + total + buffer.position());
                    if (n <= 0) {
                        break;
                    }
                }
                if (targets[i] != dsts[i]) {
                    copyOut(targets[i], dsts[i], buffer.position());
                }
                total += buffer.position();
                if (buffer.hasRemaining()) {
                    break; // the end of the file
                }
            }
            return total;
        });
    }

    @Override
    public CompletionStage<Long> write(MemorySegment[] srcs, long position) {
        TransferChecks.vector(srcs, position, limits);
        MemorySegment[] sources = new MemorySegment[srcs.length];
        for (int i = 0; i < srcs.length; i++) {
            check(srcs[i], position, false);
            sources[i] = usable(srcs[i], false);
        }
        return context.run(this, Kind.WRITE, "vectored write at " + position + " of " + path, () -> {
            long total = 0;
            for (MemorySegment source : sources) {
                ByteBuffer buffer = source.asByteBuffer();
                while (buffer.hasRemaining()) {
                    channel.write(buffer, position + total + buffer.position());
                }
                total += source.byteSize();
            }
            return total;
        });
    }

    @Override
    public CompletionStage<Void> fsync() {
        return context.run(this, Kind.SYNC, "fsync of " + path, () -> {
            channel.force(true);
            return null;
        });
    }

    @Override
    public CompletionStage<Void> fdatasync() {
        return context.run(this, Kind.SYNC, "fdatasync of " + path, () -> {
            channel.force(false);
            return null;
        });
    }

    @Override
    public void preallocate(long position, long length) throws IOException {
        if (position < 0 || length <= 0 || position > Long.MAX_VALUE - length) {
            throw new IllegalArgumentException("preallocate needs a position >= 0 and a length > 0");
        }
        TransferChecks.writable(writable, path);
        if (size() < position + length) {
            truncate(position + length); // grows the file; the fallback cannot reserve blocks
        }
    }

    @Override
    public long size() throws IOException {
        enterForCall();
        try {
            return channel.size();
        } finally {
            release();
        }
    }

    /**
     * Cuts or extends the file on its own descriptor: the path may name another file by now (renamed over it), which
     * must stay untouched. A direct channel refuses unaligned writes, so it extends the file by rewriting its last
     * block, then cuts it to the size.
     */
    @Override
    public void truncate(long size) throws IOException {
        if (size < 0) {
            throw new IllegalArgumentException("negative size: " + size);
        }
        TransferChecks.writable(writable, path);
        enterForCall();
        try {
            long current = channel.size();
            if (size < current) {
                channel.truncate(size);
            } else if (size > current && !limits.direct()) {
                channel.write(ByteBuffer.allocate(1), size - 1); // past the end: only zeros were there
            } else if (size > current) {
                int block = limits.offsetAlignment();
                long start = (size - 1) / block * block;
                ByteBuffer last = ByteBuffer.allocateDirect(2 * block).alignedSlice(block).limit(block);
                while (last.hasRemaining() && channel.read(last, start + last.position()) > 0) {
                    // the part of the block that exists; the rest stays zero
                }
                last.clear();
                while (last.hasRemaining()) {
                    channel.write(last, start + last.position());
                }
                channel.truncate(size);
            }
        } finally {
            release();
        }
    }

    private void enterForCall() throws AioClosedException {
        if (!gate.enter()) {
            throw new AioClosedException(path + " is closed");
        }
    }

    @Override
    public int memoryAlignment() {
        return limits.offsetAlignment();
    }

    @Override
    public int offsetAlignment() {
        return limits.offsetAlignment();
    }

    @Override
    public MemorySegment allocate(long byteSize) {
        return Arena.ofAuto().allocate(byteSize, Math.max(limits.memoryAlignment(), 8));
    }

    /** The same argument checks as the kernel engine, so code behaves alike on both. */
    private void check(MemorySegment segment, long position, boolean read) {
        TransferChecks.transfer(segment, position, limits);
        if (read) {
            TransferChecks.readable(segment, readable, path);
        } else {
            TransferChecks.writable(writable, path);
        }
    }

    /**
     * The engine's buffer rule: memory whose owner can free it (a confined or shared arena) is not handed to a pool
     * thread. Writes are copied now; reads land in library memory and are copied out when done; reads into a confined
     * arena are refused (only its owner thread could copy into it).
     */
    private MemorySegment usable(MemorySegment segment, boolean read) {
        if (!ArenaKind.of(segment).closeable) {
            return segment;
        }
        if (read) {
            TransferChecks.notConfined(segment);
            return allocate(segment.byteSize());
        }
        return allocate(segment.byteSize()).copyFrom(segment);
    }

    void release() {
        if (gate.exit()) {
            closeChannel();
        }
    }

    @Override
    public boolean isOpen() {
        return !gate.isClosed();
    }

    @Override
    public void close() {
        if (gate.close()) {
            closeChannel();
        }
    }

    private void closeChannel() {
        context.forget(this);
        try {
            channel.close();
        } catch (IOException e) {
            // the descriptor is released all the same
        }
        closed.complete(null);
    }
}
