package io.quarkiverse.aio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
/** What metrics see: every submitted operation completes exactly once, those failed at close included. */
class ObserverTest {

    @Test
    void everySubmittedOperationIsObservedOnce() throws Exception {
        AtomicLong completed = new AtomicLong(), failed = new AtomicLong();
        AioContext aio = AioContext.builder().queueDepth(1).build();
        aio.observe((queued, total, error) -> {
            completed.incrementAndGet();
            if (error) {
                failed.incrementAndGet();
            }
            assertTrue(queued >= 0 && total >= queued, queued + " / " + total);
        });
        AioFile file = aio.open(TestFiles.directory(ObserverTest.class).resolve("observed.bin"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE, AioOpenOption.DIRECT);
        List<CompletableFuture<Integer>> stages = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            stages.add(file.write(file.allocate(1 << 16), (long) i << 16).toCompletableFuture());
        }
        aio.close(); // most are still queued: they fail as closed
        for (CompletableFuture<Integer> stage : stages) {
            stage.handle((n, e) -> null).get(TestFiles.TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        long failures = stages.stream().filter(CompletableFuture::isCompletedExceptionally).count();
        assertEquals(200, aio.statistics().submitted());
        assertEquals(200, completed.get(), "observed completions");
        assertEquals(failures, failed.get(), "observed failures");
    }

    /**
     * An observer that throws (an exception, or an Error) and callbacks that throw an Error: every stage still
     * completes, the file's descriptor is released, and the poller keeps working.
     */
    @Test
    void throwingObserversAndCallbacksLeaveNothingIncomplete() throws Exception {
        AtomicLong calls = new AtomicLong();
        try (AioContext aio = AioContext.builder().queueDepth(4).build()) {
            aio.observe((queued, total, error) -> {
                if (calls.incrementAndGet() % 2 == 0) {
                    throw new IllegalStateException("a broken metrics registry");
                }
                throw new AssertionError("an Error from the observer");
            });
            AioFile file = aio.open(TestFiles.directory(ObserverTest.class).resolve("throwing.bin"),
                    StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE, AioOpenOption.DIRECT);
            List<CompletableFuture<Integer>> stages = new ArrayList<>();
            List<CompletableFuture<Void>> dependents = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                CompletableFuture<Integer> stage = file.write(file.allocate(4096), i * 4096L).toCompletableFuture();
                stages.add(stage);
                dependents.add(stage.thenRun(() -> {
                    throw new StackOverflowError("a callback's Error");
                }));
            }
            for (CompletableFuture<Integer> stage : stages) {
                assertEquals(4096, stage.get(TestFiles.TIMEOUT_SECONDS, TimeUnit.SECONDS));
            }
            for (CompletableFuture<Void> dependent : dependents) {
                dependent.handle((v, e) -> e).get(TestFiles.TIMEOUT_SECONDS, TimeUnit.SECONDS);
                assertTrue(dependent.isCompletedExceptionally());
            }
            assertEquals(50, calls.get(), "observed, every one");
            file.close();
            assertFalse(file.isOpen());
            assertTrue(aio.statistics().pollerRunning());
            aio.observe(null);
            try (AioFile again = aio.open(TestFiles.directory(ObserverTest.class).resolve("again.bin"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                assertEquals(10, TestFiles.await(again.write(aio.allocate(10), 0)), "the poller still works");
            }
        }
    }
}
