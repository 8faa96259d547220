package io.quarkiverse.aio;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
}
