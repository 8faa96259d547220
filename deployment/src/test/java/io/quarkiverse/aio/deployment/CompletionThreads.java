package io.quarkiverse.aio.deployment;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.quarkiverse.aio.AioContext;
import io.quarkiverse.aio.AioFile;
import io.quarkiverse.aio.AioOpenOption;

/**
 * Which threads complete the stages of a context. A dependent stage runs on the completing thread only when it was
 * attached before completion, so many slow (1 MiB, O_DIRECT) writes are started and the threads of those that
 * completed later are collected.
 */
final class CompletionThreads {

    private CompletionThreads() {
    }

    static Set<String> of(AioContext aio, String testName) throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "aio-tests", testName).toAbsolutePath());
        Set<String> threads = ConcurrentHashMap.newKeySet();
        String caller = Thread.currentThread().getName();
        try (AioFile file = aio.open(dir.resolve("completion-threads.bin"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, AioOpenOption.DIRECT)) {
            CompletableFuture<?>[] stages = new CompletableFuture<?>[64];
            for (int i = 0; i < stages.length; i++) {
                stages[i] = file.write(file.allocate(1 << 20), (long) i << 20).whenComplete((n, e) -> {
                    if (!Thread.currentThread().getName().equals(caller)) {
                        threads.add(Thread.currentThread().getName());
                    }
                }).toCompletableFuture();
            }
            CompletableFuture.allOf(stages).get(60, TimeUnit.SECONDS);
        }
        assertFalse(threads.isEmpty(), "every completion ran before its dependent stage was attached");
        return threads;
    }
}
