package io.quarkiverse.aio.vertx;

import static io.quarkiverse.aio.TestFiles.TIMEOUT_SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;

import io.quarkiverse.aio.AioContext;
import io.vertx.core.Vertx;

/** What the tests of AioFileSystem's files share: the check that every block came back, and the teardown. */
final class TestFileSystems {

    /** Waits (up to 5 s) until no block of the budget is out of the pool, and fails if one still is. */
    static void assertEveryBlockBack(AioFileSystem files, String message) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (files.poolInUse() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(0, files.poolInUse(), message);
    }

    static void close(AioContext aio, Vertx vertx) throws Exception {
        aio.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    private TestFileSystems() {
    }
}
