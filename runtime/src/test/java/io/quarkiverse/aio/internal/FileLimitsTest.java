package io.quarkiverse.aio.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import io.quarkiverse.aio.internal.linux.LibC;

/** MAX_RW_COUNT follows the page size, as the kernel's does: INT_MAX & PAGE_MASK. */
class FileLimitsTest {

    @Test
    void maxTransferOfEachPageSize() {
        assertEquals(0x7ffff000L, FileLimits.maxTransfer(4096));
        assertEquals(0x7fffc000L, FileLimits.maxTransfer(16384));
        assertEquals(0x7fff0000L, FileLimits.maxTransfer(65536));
        long pageSize = LibC.pageSize();
        assertEquals(0, pageSize & (pageSize - 1), "a power of two: " + pageSize);
        assertEquals(Integer.MAX_VALUE - pageSize + 1, FileLimits.maxTransfer(pageSize));
    }
}
