package io.quarkiverse.aio.it.journal;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.jboss.logging.Logger;

import io.quarkiverse.aio.AioFile;
import io.quarkiverse.aio.RwFlags;
import io.quarkiverse.aio.it.Stages;

/**
 * Reading a journal back. At open, the records are scanned from the start; the first one that does not hold (a
 * torn write: a header without its whole payload, or a checksum that does not match) ends the journal, and what lies
 * after it is cut off, so that later commits never sit behind garbage. Only records whose commit never completed can
 * be lost this way: a commit is answered only after the kernel reported it durable.
 */
final class Recovery {

    private static final Logger LOG = Logger.getLogger(Recovery.class);
    /** The scan reads this much at a time: more than the largest record, so each window holds at least one. */
    private static final int WINDOW = 4 * RecordFormat.MAX_PAYLOAD;

    record Result(long end, long records) {
    }

    private Recovery() {
    }

    /** Scans the file, cuts off a torn tail, and returns where the next commit goes. Blocks. */
    static Result recover(AioFile file) throws IOException {
        long size = file.size();
        int block = file.offsetAlignment();
        MemorySegment window = file.allocate(WINDOW + block);
        long windowStart = -1;
        long windowEnd = -1;
        long position = 0;
        long records = 0;
        while (position < size) {
            if (position + RecordFormat.HEADER + RecordFormat.MAX_PAYLOAD > windowEnd && windowEnd < size) {
                windowStart = alignDown(position, block);
                long length = Math.min(WINDOW + block, alignUp(size, block) - windowStart);
                windowEnd = windowStart + Stages.await(file.read(window.asSlice(0, length), windowStart));
                windowEnd = Math.min(windowEnd, size);
            }
            if (position >= windowEnd) {
                break; // the file ended early (shrunk meanwhile)
            }
            long at = position - windowStart;
            if (RecordFormat.isPadding(window, at)) {
                long next = alignUp(position, block);
                if (next == position) {
                    break; // a zero block: no commit starts here
                }
                position = next;
                continue;
            }
            if (position + RecordFormat.HEADER > windowEnd) {
                break; // torn inside the header
            }
            int length = RecordFormat.payloadLength(window, at);
            if (length < 0 || position + RecordFormat.HEADER + length > windowEnd
                    || !RecordFormat.checksumHolds(window, at, length)) {
                break; // torn, or never written
            }
            position += RecordFormat.HEADER + length;
            records++;
        }
        long end = alignUp(position, block);
        if (end != position) {
            // Stopped inside a block of a commit that never completed: keep its valid start, zero the rest.
            long blockStart = alignDown(position, block);
            MemorySegment last = window.asSlice(blockStart - windowStart, block);
            last.asSlice(position - blockStart).fill((byte) 0);
            Stages.await(file.write(last, blockStart, RwFlags.DSYNC));
        }
        if (size > end) {
            LOG.warnf("Journal %s: %d bytes after the last whole record (offset %d) were cut off: a torn commit",
                    file.path(), size - end, position);
            file.truncate(end);
            Stages.await(file.fsync());
        }
        return new Result(end, records);
    }

    /** Reads the record at {@code offset}; null when no whole record starts there. */
    static CompletionStage<byte[]> readRecord(AioFile file, long offset, long limit) {
        int block = file.offsetAlignment();
        long start = alignDown(offset, block);
        long headerEnd = Math.min(alignUp(offset + RecordFormat.HEADER, block), limit);
        MemorySegment head = file.allocate(headerEnd - start);
        return file.read(head, start).thenCompose(n -> {
            int length = n < offset - start + RecordFormat.HEADER ? -1
                    : RecordFormat.payloadLength(head, offset - start);
            if (length < 0 || offset + RecordFormat.HEADER + length > limit) {
                return CompletableFuture.completedFuture(null);
            }
            long recordEnd = alignUp(offset + RecordFormat.HEADER + length, block);
            MemorySegment whole = file.allocate(recordEnd - start);
            return file.read(whole, start).thenApply(m -> {
                long at = offset - start;
                if (m < at + RecordFormat.HEADER + length || !RecordFormat.checksumHolds(whole, at, length)) {
                    return null;
                }
                return whole.asSlice(at + RecordFormat.HEADER, length).toArray(ValueLayout.JAVA_BYTE);
            });
        });
    }

    static long alignDown(long value, long alignment) {
        return value / alignment * alignment;
    }

    static long alignUp(long value, long alignment) {
        return (value + alignment - 1) / alignment * alignment;
    }
}
