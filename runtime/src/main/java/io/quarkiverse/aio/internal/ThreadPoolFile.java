package io.quarkiverse.aio.internal;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.concurrent.CompletionStage;

import io.quarkiverse.aio.AioClosedException;
import io.quarkiverse.aio.AioFile;
import io.quarkiverse.aio.RwFlags;

/**
 * A file of the thread-pool fallback: each operation is one blocking positional read or write on a pool thread, like
 * one iocb. Per-operation flags are ignored (APPEND included: write at {@link #size()} instead).
 */
final class ThreadPoolFile implements AioFile {

    private final ThreadPoolContext context;
    private final Path path;
    private final FileChannel channel;
    private final boolean direct;
    private final int alignment;
    private final boolean readable;
    private final boolean writable;
    final UsageGate gate = new UsageGate();

    ThreadPoolFile(ThreadPoolContext context, Path path, FileChannel channel, boolean direct, int alignment,
            boolean readable, boolean writable) {
        this.context = context;
        this.path = path;
        this.channel = channel;
        this.direct = direct;
        this.alignment = alignment;
        this.readable = readable;
        this.writable = writable;
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public boolean isDirect() {
        return direct;
    }

    @Override
    public CompletionStage<Integer> read(MemorySegment dst, long position) {
        check(dst, position, true);
        MemorySegment target = usable(dst, true);
        return context.run(this, "read of " + dst.byteSize() + " bytes at " + position + " of " + path, () -> {
            int n = Math.max(0, channel.read(target.asByteBuffer(), position));
            if (target != dst) {
                MemorySegment.copy(target, 0, dst, 0, n);
            }
            return n;
        });
    }

    @Override
    public CompletionStage<Integer> write(MemorySegment src, long position) {
        check(src, position, false);
        MemorySegment source = usable(src, false);
        return context.run(this, "write of " + src.byteSize() + " bytes at " + position + " of " + path,
                () -> channel.write(source.asByteBuffer(), position));
    }

    @Override
    public CompletionStage<Integer> read(MemorySegment dst, long position, RwFlags flags) {
        return read(dst, position);
    }

    @Override
    public CompletionStage<Integer> write(MemorySegment src, long position, RwFlags flags) {
        return write(src, position);
    }

    @Override
    public CompletionStage<Long> read(MemorySegment[] dsts, long position) {
        TransferChecks.bufferCount(dsts);
        MemorySegment[] targets = new MemorySegment[dsts.length];
        for (int i = 0; i < dsts.length; i++) {
            check(dsts[i], position, true);
            targets[i] = usable(dsts[i], true);
        }
        return context.run(this, "vectored read at " + position + " of " + path, () -> {
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
                    MemorySegment.copy(targets[i], 0, dsts[i], 0, buffer.position());
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
        TransferChecks.bufferCount(srcs);
        MemorySegment[] sources = new MemorySegment[srcs.length];
        for (int i = 0; i < srcs.length; i++) {
            check(srcs[i], position, false);
            sources[i] = usable(srcs[i], false);
        }
        return context.run(this, "vectored write at " + position + " of " + path, () -> {
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
        return context.run(this, "fsync of " + path, () -> {
            channel.force(true);
            return null;
        });
    }

    @Override
    public CompletionStage<Void> fdatasync() {
        return context.run(this, "fdatasync of " + path, () -> {
            channel.force(false);
            return null;
        });
    }

    @Override
    public void preallocate(long position, long length) throws IOException {
        if (position < 0 || length <= 0 || position > Long.MAX_VALUE - length) {
            throw new IllegalArgumentException("preallocate needs a position >= 0 and a length > 0");
        }
        if (channel.size() < position + length) {
            truncate(position + length); // grows the file; the fallback cannot reserve blocks
        }
    }

    @Override
    public long size() throws IOException {
        if (!isOpen()) {
            throw new AioClosedException(path + " is closed");
        }
        return channel.size();
    }

    @Override
    public void truncate(long size) throws IOException {
        if (size < 0) {
            throw new IllegalArgumentException("negative size: " + size);
        }
        if (!isOpen()) {
            throw new AioClosedException(path + " is closed");
        }
        if (size < channel.size()) {
            channel.truncate(size);
        } else if (size > channel.size()) {
            // FileChannel cannot grow a file; a one-byte write at the end does (on a second, buffered channel, since
            // a direct one refuses unaligned writes).
            try (FileChannel grower = FileChannel.open(path, java.nio.file.StandardOpenOption.WRITE)) {
                grower.write(ByteBuffer.allocate(1), size - 1);
            }
        }
    }

    @Override
    public int memoryAlignment() {
        return alignment;
    }

    @Override
    public int offsetAlignment() {
        return alignment;
    }

    @Override
    public MemorySegment allocate(long byteSize) {
        return Arena.ofAuto().allocate(byteSize, Math.max(alignment, 8));
    }

    /** The same argument checks as the kernel engine, so code behaves alike on both. */
    private void check(MemorySegment segment, long position, boolean read) {
        TransferChecks.transfer(segment, position, path, direct, alignment, alignment);
        if (read) {
            TransferChecks.readable(segment, readable, path);
        } else {
            TransferChecks.writable(writable, path);
        }
    }

    /** Pool threads cannot touch a confined arena's memory: such buffers go through a copy. */
    private MemorySegment usable(MemorySegment segment, boolean read) {
        if (ArenaKind.of(segment) != ArenaKind.CONFINED) {
            return segment;
        }
        if (read) {
            TransferChecks.notConfined(segment); // throws
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
    }
}
