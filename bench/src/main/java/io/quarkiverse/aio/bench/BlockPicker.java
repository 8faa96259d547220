package io.quarkiverse.aio.bench;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Picks the position of a lane's next I/O: a random block (xorshift, per lane, no allocation) or the next block of a
 * sequential cursor that the lanes share.
 */
final class BlockPicker {

    private final boolean random;
    private final int blockSize;
    private final long blocks;
    private final AtomicLong cursor;
    private long state;

    BlockPicker(Job job, long fileSize, AtomicLong cursor, int lane) {
        this.random = job.random();
        this.blockSize = job.blockSize();
        this.blocks = fileSize / job.blockSize();
        this.cursor = cursor;
        this.state = 0x9E3779B97F4A7C15L * (lane + 1);
    }

    long nextPosition() {
        long block;
        if (random) {
            state ^= state << 13;
            state ^= state >>> 7;
            state ^= state << 17;
            block = (state >>> 1) % blocks;
        } else {
            block = cursor.getAndIncrement() % blocks;
        }
        return block * blockSize;
    }
}
