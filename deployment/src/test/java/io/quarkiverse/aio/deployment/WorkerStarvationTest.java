package io.quarkiverse.aio.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.aio.AioContext;
import io.quarkiverse.aio.AioFile;
import io.quarkiverse.aio.AioOpenOption;
import io.quarkus.test.QuarkusUnitTest;

/**
 * No completion needs a thread of the pool its waiter blocks: with a worker pool of four threads (one of them the
 * poller's), more worker tasks than workers each wait for a read, and all of them finish. With completions handed to
 * that pool (completion-dispatch=executor) the waiting workers would hold every thread the completions need.
 */
class WorkerStarvationTest {

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest().withEmptyApplication()
            .overrideConfigKey("quarkus.thread-pool.core-threads", "4")
            .overrideConfigKey("quarkus.thread-pool.max-threads", "4");

    @Inject
    AioContext aio;

    @Inject
    ExecutorService workers;

    @Test
    void workersWaitingForReadsDoNotStarveTheirCompletions() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "aio-tests", "WorkerStarvationTest").toAbsolutePath());
        try (AioFile file = aio.open(dir.resolve("f.bin"), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE, AioOpenOption.DIRECT)) {
            MemorySegment block = file.allocate(1 << 20);
            file.write(block, 0).toCompletableFuture().get(30, TimeUnit.SECONDS);
            List<Future<Integer>> tasks = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                tasks.add(workers.submit(() -> {
                    int total = 0;
                    for (int n = 0; n < 20; n++) {
                        total += file.read(file.allocate(1 << 20), 0).toCompletableFuture().get(30, TimeUnit.SECONDS);
                    }
                    return total;
                }));
            }
            for (Future<Integer> task : tasks) {
                assertEquals(20 << 20, task.get(60, TimeUnit.SECONDS));
            }
        }
    }
}
