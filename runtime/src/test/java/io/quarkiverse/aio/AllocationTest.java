package io.quarkiverse.aio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * Heap allocated per operation in steady state, on every thread: the returned stage (one object, which is also the
 * request) and nothing else worth counting. Not a timing test: allocation counts are exact, only the budget is a bound.
 */
class AllocationTest {

    /**
     * The stage is one object of 128 bytes (a CompletableFuture carrying the request's fields: file, opcode,
     * buffer, position, flags, slot, wait and cancel states, timestamps, a virtual thread waiting for it); with 24
     * more allowed (the JDK's errno capture occasionally allocates a slice), the budget stays well inside "64 bytes
     * beyond the stage".
     */
    static final long BUDGET_PER_OPERATION = 128 + 24;

    @Test
    void steadyStateReadsAllocateLittleBeyondTheirStage() throws Exception {
        Path dir = TestFiles.directory(AllocationTest.class);
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (AioContext aio = AioContext.builder().queueDepth(8).build();
                AioFile file = aio.open(dir.resolve("alloc.bin"), StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE, AioOpenOption.DIRECT)) {
            MemorySegment buffer = file.allocate(4096);
            TestFiles.await(file.write(buffer, 0));
            int warmUp = 20_000, measured = 20_000;
            readLoop(file, buffer, warmUp);
            long before = threads.getTotalThreadAllocatedBytes();
            readLoop(file, buffer, measured);
            long perOperation = (threads.getTotalThreadAllocatedBytes() - before) / measured;
            System.out.printf("heap allocated per 4 KiB read, all threads: %d bytes%n", perOperation);
            assertTrue(perOperation <= BUDGET_PER_OPERATION, perOperation + " bytes per operation");
        }
    }

    /** Spins instead of blocking: waiting with get() or join() would allocate in the test itself. */
    private static void readLoop(AioFile file, MemorySegment buffer, int count) {
        for (int i = 0; i < count; i++) {
            CompletableFuture<Integer> stage = file.read(buffer, 0).toCompletableFuture();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TestFiles.TIMEOUT_SECONDS);
            while (!stage.isDone()) {
                if (System.nanoTime() - deadline > 0) {
                    throw new AssertionError("a read did not complete within " + TestFiles.TIMEOUT_SECONDS + " s");
                }
                Thread.onSpinWait();
            }
            assertEquals(4096, (int) stage.getNow(0)); // unboxed: boxing 4096 would allocate in the test itself
        }
    }
}
