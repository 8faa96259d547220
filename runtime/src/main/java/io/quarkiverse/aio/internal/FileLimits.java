package io.quarkiverse.aio.internal;

import java.nio.file.Path;

/**
 * What an operation on one file must respect: its direct-I/O alignments, and the largest count one read or write
 * transfers ({@code MAX_RW_COUNT}, {@code INT_MAX} rounded down to the page size: the kernel silently shortens larger
 * requests, so they are refused instead).
 */
record FileLimits(Path path, boolean direct, int memoryAlignment, int offsetAlignment, long maxTransfer) {

    /** The kernel's MAX_RW_COUNT on a machine with pages of {@code pageSize} bytes. */
    static long maxTransfer(long pageSize) {
        return Integer.MAX_VALUE & ~(pageSize - 1);
    }
}
