package io.quarkiverse.aio;

import static io.quarkiverse.aio.TestFiles.await;
import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.sun.nio.file.ExtendedOpenOption;


/**
 * Far more operations than the ring holds, from many threads: the excess waits in Java, nothing fails with EAGAIN,
 * and every byte lands where it was written.
 */
class QueueingTest {

    static final int BLOCK = 4096;

    @Test
    void hundredTimesTheQueueDepthFromManyThreads() throws Throwable {
        Path dir = TestFiles.directory(QueueingTest.class);
        int depth = 8, threads = 8, perThread = 100; // 800 outstanding = 100 x depth
        try (AioContext aio = AioContext.builder().queueDepth(depth).build();
                AioFile file = aio.open(dir.resolve("overload.bin"), StandardOpenOption.CREATE,
                        StandardOpenOption.READ, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT)) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<List<CompletionStage<Integer>>>> submitted = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                submitted.add(pool.submit(() -> {
                    List<CompletionStage<Integer>> stages = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        int block = thread * perThread + i;
                        MemorySegment buf = file.allocate(BLOCK);
                        buf.fill((byte) block);
                        buf.set(ValueLayout.JAVA_INT_UNALIGNED, 0, block);
                        stages.add(file.write(buf, (long) block * BLOCK));
                    }
                    return stages;
                }));
            }
            int maxQueued = 0;
            while (!submitted.stream().allMatch(Future::isDone)) {
                maxQueued = Math.max(maxQueued, aio.statistics().queued());
                Thread.onSpinWait();
            }
            List<CompletionStage<Integer>> all = new ArrayList<>();
            for (Future<List<CompletionStage<Integer>>> f : submitted) {
                all.addAll(f.get(TestFiles.TIMEOUT_SECONDS, TimeUnit.SECONDS));
            }
            maxQueued = Math.max(maxQueued, aio.statistics().queued());
            assertTrue(maxQueued > 0, "operations waited in the Java queue");
            pool.shutdown();
            assertTrue(aio.statistics().queued() + aio.statistics().inFlight() <= all.size());
            for (CompletionStage<Integer> stage : all) {
                assertEquals(BLOCK, await(stage));
            }
            assertEquals(0, aio.statistics().inFlight());
            assertEquals(0, aio.statistics().queued());

            // Read everything back, again 100 x the depth at once.
            int blocks = threads * perThread;
            List<CompletableFuture<Integer>> reads = new ArrayList<>();
            List<MemorySegment> buffers = new ArrayList<>();
            for (int block = 0; block < blocks; block++) {
                MemorySegment buf = file.allocate(BLOCK);
                buffers.add(buf);
                reads.add(file.read(buf, (long) block * BLOCK).toCompletableFuture());
            }
            for (int block = 0; block < blocks; block++) {
                assertEquals(BLOCK, await(reads.get(block)));
                MemorySegment buf = buffers.get(block);
                assertEquals(block, buf.get(ValueLayout.JAVA_INT_UNALIGNED, 0), "block " + block);
                assertEquals((byte) block, buf.get(ValueLayout.JAVA_BYTE, BLOCK - 1), "block " + block);
            }
        }
    }

    @Test
    void completionsRunOnTheGivenExecutor() throws Throwable {
        Path dir = TestFiles.directory(QueueingTest.class).resolve("executor");
        java.nio.file.Files.createDirectories(dir);
        ExecutorService completions = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-completions"));
        try (AioContext aio = AioContext.builder().queueDepth(4).completionExecutor(completions).build();
                AioFile file = aio.open(dir.resolve("f.bin"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            // Hold the executor so that the stage cannot complete before the dependent stage is attached.
            CountDownLatch release = TestFiles.hold(completions);
            CompletionStage<String> thread = file.write(aio.allocate(10), 0)
                    .thenApply(n -> Thread.currentThread().getName());
            release.countDown();
            assertEquals("test-completions", await(thread));
        } finally {
            completions.shutdownNow();
        }
    }
}
