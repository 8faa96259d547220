package io.quarkiverse.aio;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * Test files live under target/, on the disk's file system: tmpfs (often /tmp) refuses O_DIRECT.
 */
public final class TestFiles {

    /** Every wait in these tests is bounded by this. */
    public static final long TIMEOUT_SECONDS = 30;

    private TestFiles() {
    }

    /** A fresh, empty directory for one test class. */
    public static Path directory(Class<?> testClass) {
        Path dir = Path.of("target", "aio-tests", testClass.getSimpleName()).toAbsolutePath();
        try {
            if (Files.exists(dir)) {
                try (Stream<Path> walk = Files.walk(dir)) {
                    walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The kernel AIO contexts of this process: each maps its completion ring as {@code /[aio]}. Unlike the
     * system-wide fs.aio-nr, it does not move when another process on the machine uses AIO.
     */
    public static long aioRings() {
        try {
            return Files.readAllLines(Path.of("/proc/self/maps")).stream().filter(l -> l.contains("/[aio]")).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits for a stage, with the suite's timeout; rethrows its failure cause. */
    public static <T> T await(CompletionStage<T> stage) throws Exception {
        try {
            return stage.toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        } catch (TimeoutException e) {
            throw new AssertionError("stage did not complete within " + TIMEOUT_SECONDS + " s", e);
        }
    }

    /** Waits for a stage that must fail, and returns its cause. */
    public static Throwable failure(CompletionStage<?> stage) throws Exception {
        try {
            Object value = stage.toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            throw new AssertionError("expected a failure, got " + value);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (java.util.concurrent.CancellationException e) {
            return e; // get() throws a cancellation itself rather than wrapping it
        }
    }

    /** Occupies a one-thread executor until the returned latch is counted down (bounded by the suite's timeout). */
    public static java.util.concurrent.CountDownLatch hold(java.util.concurrent.Executor executor) {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        executor.execute(() -> {
            try {
                release.await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return release;
    }
}
