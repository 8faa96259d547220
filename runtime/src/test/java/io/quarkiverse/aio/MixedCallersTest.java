package io.quarkiverse.aio;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/**
 * Every kind of caller at once on a small ring, with gathered submissions: pipelined callbacks on the poller (their
 * submissions batched), platform threads waiting directly (taking others' completions on their way), virtual threads
 * woken by the poller, and the pending queue always in use. Every block read is checked, every stage completes once,
 * and close() then finds nothing left.
 */
class MixedCallersTest {

    static final int BLOCKS = 256;

    @Test
    void everyKindOfCallerAtOnce() throws Exception {
        Path path = TestFiles.directory(MixedCallersTest.class).resolve("mixed.bin");
        AioContext aio = AioContext.builder().queueDepth(8).submitBatching(SubmitBatching.ALWAYS).build();
        AioFile file = aio.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE,
                AioOpenOption.DIRECT);
        List<CompletableFuture<Integer>> writes = new ArrayList<>();
        for (int block = 0; block < BLOCKS; block++) {
            MemorySegment data = file.allocate(4096);
            data.fill((byte) block);
            writes.add(file.write(data, block * 4096L).toCompletableFuture());
        }
        for (CompletableFuture<Integer> write : writes) {
            assertEquals(4096, write.get(TestFiles.TIMEOUT_SECONDS, TimeUnit.SECONDS));
        }
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong verified = new AtomicLong(), wrong = new AtomicLong();
        List<CompletableFuture<Void>> lanes = new ArrayList<>();
        for (int lane = 0; lane < 16; lane++) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            lanes.add(done);
            pipeline(file, file.allocate(4096), lane, running, verified, wrong, done);
        }
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 6; t++) {
            int seed = t;
            Runnable blocking = () -> {
                MemorySegment buffer = file.allocate(4096);
                for (int i = seed; running.get(); i += 7) {
                    try {
                        int block = i % BLOCKS;
                        assertEquals(4096, file.read(buffer, block * 4096L).toCompletableFuture()
                                .get(TestFiles.TIMEOUT_SECONDS, TimeUnit.SECONDS));
                        check(buffer, block, verified, wrong);
                    } catch (Exception e) {
                        wrong.incrementAndGet();
                        return;
                    }
                }
            };
            threads.add(t < 4 ? Thread.ofPlatform().start(blocking) : Thread.ofVirtual().start(blocking));
        }
        Thread.sleep(2_000);
        running.set(false);
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(TestFiles.TIMEOUT_SECONDS));
        }
        for (CompletableFuture<Void> lane : lanes) {
            lane.get(TestFiles.TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        aio.close();
        System.out.printf("mixed callers: %d blocks verified, %s%n", verified.get(), aio.statistics());
        assertEquals(0, wrong.get());
        assertTrue(verified.get() > 1_000, "verified " + verified.get());
        assertEquals(aio.statistics().submitted(), aio.statistics().completed(), "every stage completed once");
        assertEquals(0, aio.statistics().failed());
        assertFalse(file.isOpen());
    }

    private static void pipeline(AioFile file, MemorySegment buffer, int block, AtomicBoolean running,
            AtomicLong verified, AtomicLong wrong, CompletableFuture<Void> done) {
        if (!running.get()) {
            done.complete(null);
            return;
        }
        int b = block % BLOCKS;
        file.read(buffer, b * 4096L).whenComplete((n, e) -> {
            if (e != null || n != 4096) {
                wrong.incrementAndGet();
            } else {
                check(buffer, b, verified, wrong);
            }
            pipeline(file, buffer, block + 13, running, verified, wrong, done);
        });
    }

    private static void check(MemorySegment buffer, int block, AtomicLong verified, AtomicLong wrong) {
        if (buffer.get(ValueLayout.JAVA_BYTE, 0) == (byte) block && buffer.get(ValueLayout.JAVA_BYTE, 4095) == (byte) block) {
            verified.incrementAndGet();
        } else {
            wrong.incrementAndGet();
        }
    }
}
