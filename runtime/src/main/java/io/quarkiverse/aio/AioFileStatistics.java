package io.quarkiverse.aio;

/**
 * The figures of one file at one moment, from {@link AioFile#statistics()}: each is exact when read, but they are read
 * one after the other without locking (as {@link AioStatistics}' are).
 *
 * @param reads reads completed (vectored ones included), successfully or not
 * @param writes writes completed, successfully or not (zeroing writes included)
 * @param syncs {@code fsync} and {@code fdatasync} operations completed, successfully or not
 * @param bytesRead bytes the successful reads transferred
 * @param bytesWritten bytes the successful writes transferred
 * @param failures operations of this file that completed with an error (cancellations included)
 * @param inFlight operations accepted and not completed yet: in the kernel, or waiting in Java for room in the ring
 * @param queued of those, the ones waiting in Java
 */
public record AioFileStatistics(long reads, long writes, long syncs, long bytesRead, long bytesWritten, long failures,
        int inFlight, int queued) {
}
