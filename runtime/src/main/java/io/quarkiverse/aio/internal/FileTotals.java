package io.quarkiverse.aio.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.quarkiverse.aio.AioFileStatistics;

/**
 * The reads, writes and bytes of every file a context opened, open or closed: the open files' own counters summed
 * when asked, plus what the closed ones had moved. Nothing is added to the I/O path; asking walks the open files.
 */
final class FileTotals {

    private final Set<FileCounters> open = ConcurrentHashMap.newKeySet();
    /** Of the files closed; guarded by this, as is moving a file from open to closed. */
    private long reads, writes, bytesRead, bytesWritten, failures;

    void opened(FileCounters file) {
        open.add(file);
    }

    /** Called once the file's last operation has finished: its counters are final. */
    synchronized void closed(FileCounters file) {
        if (open.remove(file)) {
            reads += file.reads.sum();
            writes += file.writes.sum();
            bytesRead += file.bytesRead.sum();
            bytesWritten += file.bytesWritten.sum();
            failures += file.failures.sum();
        }
    }

    /** The totals, with the context's operations in flight and queued. */
    synchronized AioFileStatistics sum(int inFlight, int queued) {
        long r = reads, w = writes, br = bytesRead, bw = bytesWritten, f = failures;
        for (FileCounters file : open) {
            r += file.reads.sum();
            w += file.writes.sum();
            br += file.bytesRead.sum();
            bw += file.bytesWritten.sum();
            f += file.failures.sum();
        }
        return new AioFileStatistics(r, w, br, bw, f, inFlight, queued);
    }
}
