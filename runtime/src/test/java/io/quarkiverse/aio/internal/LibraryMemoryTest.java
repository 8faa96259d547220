package io.quarkiverse.aio.internal;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** The memory lent to operations: aligned, reused rather than allocated again, bounded, and freed. */
class LibraryMemoryTest {

    @Test
    void blocksAreAlignedAndReused() {
        LibraryMemory memory = new LibraryMemory(4);
        LibraryMemory.Block block = memory.take(4096, 512);
        assertEquals(0, block.address() % LibraryMemory.ALIGNMENT);
        assertTrue(block.segment.byteSize() >= 4096);
        memory.give(block);
        assertSame(block, memory.take(100, 8), "the same class hands the free block out again");
        memory.give(block);
        assertEquals(4096, memory.pooledBytes());
        memory.freeAll();
        assertEquals(0, memory.pooledBytes());
    }

    @Test
    void eachClassKeepsABoundedNumberOfBlocks() {
        LibraryMemory memory = new LibraryMemory(4); // at least 16 per class, and at most 64 MiB of each
        LibraryMemory.Block[] lent = new LibraryMemory.Block[100];
        for (int i = 0; i < lent.length; i++) {
            lent[i] = memory.take(1 << 20, 4096);
        }
        assertEquals(16L << 20, memory.pooledBytes(), "past the bound, blocks are the operation's own");
        for (LibraryMemory.Block block : lent) {
            memory.give(block);
        }
        assertEquals(16L << 20, memory.pooledBytes());
        LibraryMemory.Block large = memory.take(3 << 20, 4096); // larger than any class: memory of its own
        assertEquals(-1, large.sizeClass);
        memory.give(large);
        memory.freeAll();
    }

    @Test
    void aBlockGivenBackAfterFreeAllIsFreedToo() {
        LibraryMemory memory = new LibraryMemory(4);
        LibraryMemory.Block block = memory.take(8192, 4096);
        memory.freeAll(); // the context was torn down while the block was lent
        memory.give(block);
        assertEquals(0, memory.pooledBytes());
    }
}
