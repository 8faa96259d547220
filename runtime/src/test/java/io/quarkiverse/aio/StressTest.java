package io.quarkiverse.aio;

import static io.quarkiverse.aio.TestFiles.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/**
 * Randomized reads, writes and syncs from many threads, every byte checked against a model of what each file must
 * hold. Each thread owns one region of each file, so the model is exact without locking. The suite runs it for a few
 * seconds; {@code -Daio.stress.seconds=600} runs it longer.
 */
class StressTest {

    static final int THREADS = 8;
    static final int BLOCK = 4096;
    static final int BLOCKS_PER_THREAD = 256; // 1 MiB of each file per thread
    static final int REGION = BLOCKS_PER_THREAD * BLOCK;

    final AtomicLong reads = new AtomicLong(), writes = new AtomicLong(), syncs = new AtomicLong();
    final AtomicLong bytesVerified = new AtomicLong(), mismatches = new AtomicLong();

    @Test
    void mixedOperationsKeepEveryByte() throws Exception {
        run(AioContext.builder().queueDepth(4), "stress");
    }

    /** The same with every completion handed to an executor, as completion-dispatch=executor does. */
    @Test
    void mixedOperationsKeepEveryByteWithCompletionsOnAnExecutor() throws Exception {
        ExecutorService completions = Executors.newFixedThreadPool(4);
        try {
            run(AioContext.builder().queueDepth(4).completionExecutor(completions), "stress, completion executor");
        } finally {
            completions.shutdownNow();
        }
    }

    private void run(AioContext.Builder builder, String name) throws Exception {
        reads.set(0);
        writes.set(0);
        syncs.set(0);
        bytesVerified.set(0);
        mismatches.set(0);
        long seconds = Long.getLong("aio.stress.seconds", 5);
        Path dir = TestFiles.directory(StressTest.class);
        // A small ring, so that the Java queue and batched submission are exercised all the time.
        try (AioContext aio = builder.build();
                AioFile direct = aio.open(dir.resolve("direct.bin"), StandardOpenOption.CREATE,
                        StandardOpenOption.READ, StandardOpenOption.WRITE, AioOpenOption.DIRECT);
                AioFile buffered = aio.open(dir.resolve("buffered.bin"), StandardOpenOption.CREATE,
                        StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            direct.truncate((long) REGION * THREADS);
            buffered.truncate((long) REGION * THREADS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                workers.add(pool.submit(() -> {
                    work(thread, direct, buffered, deadline);
                    return null;
                }));
            }
            try {
                for (Future<?> worker : workers) {
                    worker.get(seconds + TestFiles.TIMEOUT_SECONDS, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
        }
        System.out.printf("%s: %d s, %d threads: %d operations (%d reads, %d writes, %d syncs),"
                + " %d bytes verified, %d mismatches%n", name, seconds, THREADS, reads.get() + writes.get() + syncs.get(),
                reads.get(), writes.get(), syncs.get(), bytesVerified.get(), mismatches.get());
        assertEquals(0, mismatches.get(), "bytes that differ from what was written");
        assertTrue(bytesVerified.get() > 1 << 20, "bytes were verified: " + bytesVerified.get());
    }

    private void work(int thread, AioFile direct, AioFile buffered, long deadline) throws Exception {
        SplittableRandom random = new SplittableRandom(42 + thread);
        long base = (long) thread * REGION;
        byte[] directModel = new byte[REGION]; // the files start as zeros (truncate)
        byte[] bufferedModel = new byte[REGION];
        MemorySegment directBuffer = direct.allocate(16 * BLOCK);
        MemorySegment plainBuffer = buffered.allocate(REGION);
        try (Arena shared = Arena.ofShared()) {
            MemorySegment sharedBuffer = shared.allocate(16 * BLOCK, BLOCK); // goes through the library's copies
            while (System.nanoTime() < deadline) {
                int op = random.nextInt(100);
                if (op < 40) { // O_DIRECT: whole blocks
                    int blocks = 1 + random.nextInt(16);
                    long offset = (long) random.nextInt(BLOCKS_PER_THREAD - blocks + 1) * BLOCK;
                    MemorySegment buffer = (random.nextBoolean() ? directBuffer : sharedBuffer).asSlice(0,
                            (long) blocks * BLOCK);
                    if (random.nextBoolean()) {
                        fillRandom(buffer, random);
                        assertEquals((int) buffer.byteSize(), await(direct.write(buffer, base + offset)));
                        MemorySegment.copy(buffer, ValueLayout.JAVA_BYTE, 0, directModel, (int) offset,
                                (int) buffer.byteSize());
                        writes.incrementAndGet();
                    } else {
                        assertEquals((int) buffer.byteSize(), await(direct.read(buffer, base + offset)));
                        verify(buffer, directModel, (int) offset);
                        reads.incrementAndGet();
                    }
                } else if (op < 95) { // buffered: any size at any position
                    int length = 1 + random.nextInt(64 * 1024);
                    int offset = random.nextInt(REGION - length + 1);
                    MemorySegment buffer = plainBuffer.asSlice(0, length);
                    if (random.nextBoolean()) {
                        fillRandom(buffer, random);
                        assertEquals(length, await(buffered.write(buffer, base + offset)));
                        MemorySegment.copy(buffer, ValueLayout.JAVA_BYTE, 0, bufferedModel, offset, length);
                        writes.incrementAndGet();
                    } else {
                        assertEquals(length, await(buffered.read(buffer, base + offset)));
                        verify(buffer, bufferedModel, offset);
                        reads.incrementAndGet();
                    }
                } else {
                    await(random.nextBoolean() ? direct.fsync() : buffered.fsync());
                    syncs.incrementAndGet();
                }
            }
        }
    }

    private static void fillRandom(MemorySegment buffer, SplittableRandom random) {
        long size = buffer.byteSize();
        long i = 0;
        for (; i + 8 <= size; i += 8) {
            buffer.set(ValueLayout.JAVA_LONG_UNALIGNED, i, random.nextLong());
        }
        for (; i < size; i++) {
            buffer.set(ValueLayout.JAVA_BYTE, i, (byte) random.nextInt());
        }
    }

    private void verify(MemorySegment read, byte[] model, int offset) {
        MemorySegment expected = MemorySegment.ofArray(model).asSlice(offset, read.byteSize());
        long at = read.mismatch(expected);
        if (at >= 0) {
            mismatches.incrementAndGet();
            System.err.printf("mismatch at byte %d of a %d-byte read at model offset %d%n", at, read.byteSize(), offset);
        }
        bytesVerified.addAndGet(read.byteSize());
    }
}
