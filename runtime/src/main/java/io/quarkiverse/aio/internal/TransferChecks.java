package io.quarkiverse.aio.internal;

import static io.quarkiverse.aio.internal.linux.KernelAbi.UIO_MAXIOV;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Objects;

import io.quarkiverse.aio.AioAlignmentException;

/**
 * The argument checks every backend makes before an operation is accepted, so that the kernel engine and the
 * thread-pool fallback refuse the same things with the same messages.
 */
final class TransferChecks {

    private TransferChecks() {
    }

    /** A buffer and position for one transfer: native, alive, in range, and aligned under O_DIRECT. */
    static void transfer(MemorySegment segment, long position, FileLimits file) {
        Path path = file.path();
        Objects.requireNonNull(segment, "segment");
        if (!segment.isNative()) {
            throw new IllegalArgumentException("heap segment: the kernel reads and writes native memory only;"
                    + " allocate buffers with AioFile.allocate(...) or an Arena");
        }
        if (!segment.scope().isAlive()) {
            throw new IllegalStateException("the segment's arena is already closed");
        }
        range(segment.byteSize(), position, file);
        if (file.direct() && segment.address() % file.memoryAlignment() != 0) {
            throw new AioAlignmentException("O_DIRECT buffer address 0x" + Long.toHexString(segment.address())
                    + " is not a multiple of " + file.memoryAlignment() + " bytes, as " + file.path()
                    + " requires; allocate buffers with AioFile.allocate(...)", file.memoryAlignment());
        }
    }

    /**
     * A length and position for one transfer: in range, and aligned under O_DIRECT (the memory is checked by the
     * caller, or is the library's own, aligned).
     */
    static void range(long length, long position, FileLimits file) {
        Path path = file.path();
        if (position < 0) {
            throw new IllegalArgumentException("negative position: " + position);
        }
        if (length > file.maxTransfer()) {
            throw new IllegalArgumentException("segment of " + length + " bytes: one operation transfers at most "
                    + file.maxTransfer() + " bytes (the kernel's MAX_RW_COUNT); split it");
        }
        if (position > Long.MAX_VALUE - length) {
            throw new IllegalArgumentException("position " + position + " plus length " + length
                    + " overflows the largest file offset");
        }
        if (file.direct()) {
            int offsetAlignment = file.offsetAlignment();
            if (length % offsetAlignment != 0) {
                throw new AioAlignmentException("O_DIRECT length " + length + " is not a multiple of "
                        + offsetAlignment + " bytes, as " + path + " requires", offsetAlignment);
            }
            if (position % offsetAlignment != 0) {
                throw new AioAlignmentException("O_DIRECT position " + position + " is not a multiple of "
                        + offsetAlignment + " bytes, as " + path + " requires", offsetAlignment);
            }
        }
    }

    /** The buffers of a vectored operation, each checked as one transfer, and their total; the total length. */
    static long vector(MemorySegment[] segments, long position, FileLimits file) {
        bufferCount(segments);
        long total = 0;
        for (MemorySegment segment : segments) {
            transfer(segment, position, file);
            total += segment.byteSize();
            if (total > file.maxTransfer()) {
                throw new IllegalArgumentException("buffers of " + total + " bytes or more: one operation transfers"
                        + " at most " + file.maxTransfer() + " bytes (the kernel's MAX_RW_COUNT); split it");
            }
        }
        if (position > Long.MAX_VALUE - total) {
            throw new IllegalArgumentException("position " + position + " plus length " + total
                    + " overflows the largest file offset");
        }
        return total;
    }

    /** A vectored operation takes 1 to UIO_MAXIOV buffers. */
    static void bufferCount(MemorySegment[] segments) {
        Objects.requireNonNull(segments, "segments");
        if (segments.length == 0 || segments.length > UIO_MAXIOV) {
            throw new IllegalArgumentException("a vectored operation takes 1 to " + UIO_MAXIOV + " buffers, not "
                    + segments.length);
        }
    }

    static void readable(MemorySegment dst, boolean readable, Path path) {
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("read into a read-only segment: the kernel must write into it");
        }
        if (!readable) {
            throw new IllegalStateException("read from " + path + ", which was opened without READ");
        }
    }

    static void writable(boolean writable, Path path) {
        if (!writable) {
            throw new IllegalStateException("write to " + path + ", which was opened without WRITE");
        }
    }

    /** Reads into a confined arena are refused: only its owner thread could copy data into it. */
    static void notConfined(MemorySegment target) {
        if (ArenaKind.of(target) == ArenaKind.CONFINED) {
            throw new IllegalArgumentException("read into memory of a confined arena: the arena could be closed"
                    + " while the kernel writes into it, and only its owner thread could copy the data in. Use"
                    + " AioFile.allocate(...), an automatic or shared arena, or quarkus.aio.closeable-arena-buffers"
                    + "=trust if you keep the arena open until the stage completes");
        }
    }
}
