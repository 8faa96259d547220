package io.quarkiverse.aio.internal;

import static java.lang.foreign.ValueLayout.ADDRESS;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import io.quarkiverse.aio.internal.linux.LibC;

/**
 * Native memory the library lends to operations (copies of buffers from closeable arenas, iovec arrays), taken when
 * an operation is accepted and given back when it completes: never left for the garbage collector, and without an
 * allocation on the hot path once warm. Blocks come in size classes of 4 KiB to 1 MiB, aligned to 4096 bytes (direct
 * I/O on common file systems); each class keeps a bounded number of free blocks on a lock-free stack. Larger
 * requests, stricter alignments, and requests past a class's bound get memory of their own, freed at completion.
 */
final class LibraryMemory {

    static final int ALIGNMENT = 4096;
    private static final int MIN_SIZE = 4096, CLASSES = 9; // 4 KiB .. 1 MiB
    /** How many bytes of free blocks a class keeps at most. */
    private static final long CACHED_BYTES_PER_CLASS = 64L << 20;

    /** A block of library memory; {@link #segment} is its whole size, of which an operation may use a prefix. */
    static final class Block {
        final MemorySegment segment;
        /** The size class, or -1 for memory of its own. */
        final int sizeClass;
        final int index;

        Block(MemorySegment segment, int sizeClass, int index) {
            this.segment = segment;
            this.sizeClass = sizeClass;
            this.index = index;
        }

        long address() {
            return segment.address();
        }
    }

    private static final class SizeClass {
        final long size;
        final Block[] blocks;
        final IndexStack free;
        int allocated; // guarded by the LibraryMemory: indices handed out so far
        int live; // guarded by the LibraryMemory: blocks not freed yet

        SizeClass(long size, int capacity) {
            this.size = size;
            this.blocks = new Block[capacity];
            this.free = new IndexStack(capacity, 0);
        }
    }

    private final SizeClass[] classes = new SizeClass[CLASSES];
    private final MemorySegment pointerCell;
    private volatile boolean freed;

    /** @param queueDepth the context's: no class needs to keep more free blocks than operations in flight */
    LibraryMemory(int queueDepth) {
        for (int c = 0; c < CLASSES; c++) {
            long size = (long) MIN_SIZE << c;
            int capacity = (int) Math.min(Math.min(Math.max(queueDepth, 16), CACHED_BYTES_PER_CLASS / size),
                    IndexStack.MAX_CAPACITY);
            classes[c] = new SizeClass(size, capacity);
        }
        this.pointerCell = Arena.ofAuto().allocate(ADDRESS);
    }

    /**
     * A block of at least {@code bytes}, aligned to at least {@code alignment}.
     *
     * @throws OutOfMemoryError when the C heap has no such block
     */
    Block take(long bytes, int alignment) {
        int c = classOf(bytes);
        if (c < 0 || alignment > ALIGNMENT) {
            return allocate(bytes, Math.max(alignment, ALIGNMENT), -1, -1);
        }
        SizeClass sizeClass = classes[c];
        int index = sizeClass.free.pop();
        if (index >= 0) {
            return sizeClass.blocks[index];
        }
        synchronized (this) {
            if (!freed && sizeClass.allocated < sizeClass.blocks.length) {
                int fresh = sizeClass.allocated;
                Block block = allocate(sizeClass.size, ALIGNMENT, c, fresh);
                sizeClass.blocks[fresh] = block;
                sizeClass.allocated++;
                sizeClass.live++;
                return block;
            }
        }
        return allocate(bytes, ALIGNMENT, -1, -1); // the class keeps enough free blocks already
    }

    /** Gives a block back: to its class, or to the C heap (memory of its own, or once the pool is freed). */
    void give(Block block) {
        if (block.sizeClass < 0) {
            LibC.free(block.segment);
        } else if (freed) {
            release(block);
        } else {
            classes[block.sizeClass].free.push(block.index);
            if (freed) {
                freeIdleBlocks(); // freeAll() ran meanwhile and may not have seen this block
            }
        }
    }

    /**
     * Frees every free pooled block, for good: blocks still lent (an operation the teardown failed while its caller
     * still copies into it) are freed when they are given back.
     */
    synchronized void freeAll() {
        freed = true;
        freeIdleBlocks();
    }

    private void freeIdleBlocks() {
        for (SizeClass sizeClass : classes) {
            for (int index = sizeClass.free.pop(); index >= 0; index = sizeClass.free.pop()) {
                release(sizeClass.blocks[index]);
            }
        }
    }

    private synchronized void release(Block block) {
        LibC.free(block.segment);
        classes[block.sizeClass].blocks[block.index] = null;
        classes[block.sizeClass].live--;
    }

    /** Bytes held in pooled blocks, free or lent (for tests). */
    synchronized long pooledBytes() {
        long bytes = 0;
        for (SizeClass sizeClass : classes) {
            bytes += sizeClass.live * sizeClass.size;
        }
        return bytes;
    }

    private static int classOf(long bytes) {
        for (int c = 0; c < CLASSES; c++) {
            if (bytes <= (long) MIN_SIZE << c) {
                return c;
            }
        }
        return -1;
    }

    private synchronized Block allocate(long bytes, int alignment, int sizeClass, int index) {
        MemorySegment memory = LibC.alignedAlloc(pointerCell, alignment, Math.max(bytes, 1));
        if (memory.equals(MemorySegment.NULL)) {
            throw new OutOfMemoryError("the C heap has no " + bytes + " bytes for an AIO buffer");
        }
        return new Block(memory, sizeClass, index);
    }
}
