package io.quarkiverse.aio.internal;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

import io.quarkiverse.aio.AioFileStatistics;

/** The figures of one file: bumped when its operations finish (and enter or leave the pending queue). */
final class FileCounters {

    final LongAdder reads = new LongAdder(), writes = new LongAdder(), syncs = new LongAdder();
    final LongAdder bytesRead = new LongAdder(), bytesWritten = new LongAdder();
    final LongAdder failures = new LongAdder();
    final AtomicInteger queued = new AtomicInteger();
    private final IntSupplier inFlight;

    FileCounters(IntSupplier inFlight) {
        this.inFlight = inFlight;
    }

    /** A finished read, write or sync, and what it moved (or -errno, a failure); anything else counts as a failure only. */
    void finished(boolean read, boolean write, boolean sync, long result, boolean failed) {
        if (sync) {
            syncs.increment();
        } else if (read) {
            reads.increment();
            if (result > 0 && !failed) {
                bytesRead.add(result);
            }
        } else if (write) {
            writes.increment();
            if (result > 0 && !failed) {
                bytesWritten.add(result);
            }
        }
        if (failed) {
            failures.increment();
        }
    }

    /** A snapshot; the in-flight count includes callers still inside a submission, so it is never below queued. */
    AioFileStatistics snapshot() {
        int waiting = queued.get();
        return new AioFileStatistics(reads.sum(), writes.sum(), syncs.sum(), bytesRead.sum(), bytesWritten.sum(),
                failures.sum(), Math.max(waiting, inFlight.getAsInt()), waiting);
    }
}
