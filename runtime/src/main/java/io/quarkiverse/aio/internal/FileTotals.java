package io.quarkiverse.aio.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import io.quarkiverse.aio.AioFileStatistics;

/**
 * The reads, writes, syncs and bytes of every file a context opened, open or closed: the open files' own counters
 * summed when asked, plus what the closed ones had moved. Nothing is added to the I/O path, and asking takes no lock
 * that closing a file (on a completion thread) would wait for.
 */
final class FileTotals {

    private final Set<FileCounters> open = ConcurrentHashMap.newKeySet();
    /** Of the files closed. */
    private final LongAdder reads = new LongAdder(), writes = new LongAdder(), syncs = new LongAdder(),
            bytesRead = new LongAdder(), bytesWritten = new LongAdder(), failures = new LongAdder();

    void opened(FileCounters file) {
        open.add(file);
    }

    /**
     * Called once the file's last operation has finished: its counters are final. It leaves the open files before its
     * figures join the closed ones, so a sum under way counts it once or, for that one sum, not yet: never twice.
     */
    void closed(FileCounters file) {
        if (open.remove(file)) {
            reads.add(file.reads.sum());
            writes.add(file.writes.sum());
            syncs.add(file.syncs.sum());
            bytesRead.add(file.bytesRead.sum());
            bytesWritten.add(file.bytesWritten.sum());
            failures.add(file.failures.sum());
        }
    }

    /** The totals, with the context's operations in flight and queued. */
    AioFileStatistics sum(int inFlight, int queued) {
        // The closed ones first, then the open ones (see closed()).
        long r = reads.sum(), w = writes.sum(), s = syncs.sum(), br = bytesRead.sum(), bw = bytesWritten.sum(),
                f = failures.sum();
        for (FileCounters file : open) {
            r += file.reads.sum();
            w += file.writes.sum();
            s += file.syncs.sum();
            br += file.bytesRead.sum();
            bw += file.bytesWritten.sum();
            f += file.failures.sum();
        }
        return new AioFileStatistics(r, w, s, br, bw, f, inFlight, queued);
    }
}
