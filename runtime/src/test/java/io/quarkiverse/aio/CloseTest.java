package io.quarkiverse.aio;

import static io.quarkiverse.aio.TestFiles.await;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.sun.nio.file.ExtendedOpenOption;

/** Closing: nothing left hanging, nothing reaches a destroyed kernel context, no kernel context leaked. */
class CloseTest {

    static Path dir;

    @BeforeAll
    static void setUp() {
        dir = TestFiles.directory(CloseTest.class);
    }

    static long aioNr() throws Exception {
        return TestFiles.aioRings();
    }

    @Test
    void closeWithThousandsInFlightCompletesEveryStage() throws Exception {
        List<CompletableFuture<Integer>> stages = new ArrayList<>();
        AioContext aio = AioContext.builder().queueDepth(64).shutdownTimeout(Duration.ofSeconds(10)).build();
        AioFile file = aio.open(dir.resolve("inflight.bin"), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                ExtendedOpenOption.DIRECT);
        for (int i = 0; i < 5000; i++) {
            var buf = file.allocate(4096);
            stages.add(file.write(buf, i * 4096L).toCompletableFuture());
        }
        long start = System.nanoTime();
        aio.close();
        long closeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(closeMillis < 12_000, "close took " + closeMillis + " ms");
        int ok = 0, closed = 0;
        for (CompletableFuture<Integer> stage : stages) {
            assertTrue(stage.isDone(), "every stage is complete once close() returns");
            try {
                assertEquals(4096, stage.get(0, TimeUnit.SECONDS));
                ok++;
            } catch (ExecutionException e) {
                assertInstanceOf(AioClosedException.class, e.getCause());
                closed++;
            } catch (java.util.concurrent.TimeoutException e) {
                fail("not complete");
            }
        }
        assertEquals(5000, ok + closed);
        assertTrue(ok >= 64, "operations already in the kernel finish: " + ok);
        assertFalse(file.isOpen());
    }

    @Test
    void submitsRacingCloseFromManyThreadsAllComplete() throws Exception {
        for (int round = 0; round < 20; round++) {
            AioContext aio = AioContext.builder().queueDepth(16).build();
            AioFile file = aio.open(dir.resolve("race.bin"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            int threads = 4;
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<Integer>> stages = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Thread> submitters = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                submitters.add(Thread.ofPlatform().start(() -> {
                    try {
                        go.await(TestFiles.TIMEOUT_SECONDS, TimeUnit.SECONDS);
                        for (int i = 0; i < 200; i++) {
                            stages.add(file.write(aio.allocate(512), i * 512L).toCompletableFuture());
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
            }
            go.countDown();
            Thread.sleep(round % 3);
            aio.close();
            for (Thread t : submitters) {
                t.join(TimeUnit.SECONDS.toMillis(TestFiles.TIMEOUT_SECONDS));
            }
            assertEquals(threads * 200, stages.size());
            for (CompletableFuture<Integer> stage : stages) {
                try {
                    assertEquals(512, stage.get(TestFiles.TIMEOUT_SECONDS, TimeUnit.SECONDS));
                } catch (ExecutionException e) {
                    assertInstanceOf(AioClosedException.class, e.getCause(), "round " + round);
                }
            }
        }
    }

    @Test
    void closeFromACompletionOnThePollerThread() throws Throwable {
        AioContext aio = AioContext.builder().queueDepth(4).build(); // completions run on the poller
        AioFile file = aio.open(dir.resolve("self-close.bin"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        await(file.write(aio.allocate(10), 0).thenRun(aio::close));
        assertFalse(aio.isOpen());
        assertInstanceOf(AioClosedException.class, TestFiles.failure(file.write(aio.allocate(10), 0)));
    }

    /**
     * 1000 create/use/close cycles: this process's AIO rings back to their baseline, descriptors flat, and the C heap flat (the
     * contexts' slabs come from calloc; a depth of 1024 makes each about 120 KiB, so a leak would show as ~100 MiB).
     */
    @Test
    void thousandContextsLeaveNoKernelContextDescriptorNorMemoryBehind() throws Throwable {
        long aioNrBefore = aioNr();
        long fdsBefore = openDescriptors();
        long heapAfterWarmUp = 0;
        for (int i = 0; i < 1000; i++) {
            if (i == 100) {
                heapAfterWarmUp = mallocInUse();
            }
            AioContext aio = AioContext.builder().queueDepth(1024).build();
            AioFile file = aio.open(dir.resolve("cycle.bin"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            await(file.write(aio.allocate(8), 0));
            if (i % 2 == 0) {
                file.close(); // the other half is closed by the context
            }
            aio.close();
        }
        long heapGrowth = mallocInUse() - heapAfterWarmUp;
        System.out.printf("1000 contexts: AIO rings %d -> %d, descriptors %d -> %d, C heap +%d KiB after warm-up%n",
                aioNrBefore, aioNr(), fdsBefore, openDescriptors(), heapGrowth / 1024);
        assertEquals(aioNrBefore, aioNr(), "every kernel context of this process destroyed");
        assertTrue(openDescriptors() <= fdsBefore + 2, "descriptors: before " + fdsBefore + ", after " + openDescriptors());
        assertTrue(heapGrowth < 16 << 20, "the C heap grew by " + heapGrowth + " bytes over 900 contexts");
    }

    /** Bytes in use in glibc's heap: mallinfo2's uordblks (small chunks) plus hblkhd (mmapped chunks). */
    static long mallocInUse() throws Throwable {
        java.lang.foreign.Linker linker = java.lang.foreign.Linker.nativeLinker();
        java.lang.foreign.StructLayout mallinfo2 = java.lang.foreign.MemoryLayout.structLayout(
                java.util.Collections.nCopies(10, java.lang.foreign.ValueLayout.JAVA_LONG)
                        .toArray(java.lang.foreign.MemoryLayout[]::new));
        java.lang.invoke.MethodHandle call = linker.downcallHandle(linker.defaultLookup().find("mallinfo2").orElseThrow(),
                java.lang.foreign.FunctionDescriptor.of(mallinfo2));
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            java.lang.foreign.MemorySegment info = (java.lang.foreign.MemorySegment) call
                    .invokeExact((java.lang.foreign.SegmentAllocator) arena);
            return info.getAtIndex(java.lang.foreign.ValueLayout.JAVA_LONG, 7) // uordblks
                    + info.getAtIndex(java.lang.foreign.ValueLayout.JAVA_LONG, 4); // hblkhd
        }
    }

    @Test
    void fileCloseWaitsForItsOperationsBeforeReleasingTheDescriptor() throws Throwable {
        try (AioContext aio = AioContext.builder().queueDepth(2).build()) {
            AioFile file = aio.open(dir.resolve("deferred.bin"), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    ExtendedOpenOption.DIRECT);
            List<CompletableFuture<Integer>> stages = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                stages.add(file.write(file.allocate(4096), i * 4096L).toCompletableFuture());
            }
            file.close(); // most are still queued in Java: they must still reach this file, not a reused descriptor
            AtomicInteger written = new AtomicInteger();
            for (CompletableFuture<Integer> stage : stages) {
                written.addAndGet(await(stage));
            }
            assertEquals(200 * 4096, written.get());
            assertEquals(200 * 4096L, Files.size(dir.resolve("deferred.bin")));
        }
    }

    static long openDescriptors() throws Exception {
        try (var list = Files.list(Path.of("/proc/self/fd"))) {
            return list.count();
        }
    }
}
