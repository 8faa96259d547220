package io.quarkiverse.aio;

import static io.quarkiverse.aio.TestFiles.await;
import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

/**
 * The default dispatch runs callbacks where completions are collected, without a hand-off; these are the guarantees
 * that must come with it. Every context here has the builder's defaults, which are those of {@code @Inject}.
 */
class CompletionSafetyTest {

    static final Path DIR = TestFiles.directory(CompletionSafetyTest.class);
    static final int POLLIN = 1;

    /**
     * A dependent stage that blocks holds the poller; past the stall threshold another thread collects completions,
     * so other operations still complete while it blocks. The blocking callback hangs on a poll that cannot complete
     * before the test lets it: on a read, which may complete before the callback is attached, the callback would run
     * on the test thread instead and block it.
     */
    @Test
    void aBlockingCallbackDoesNotStallOtherCompletions() throws Exception {
        try (AioContext aio = AioContext.builder().build();
                AioContext notifier = AioContext.builder().queueDepth(4).completionEventFd(true).build();
                AioFile file = aio.open(DIR.resolve("stall.bin"), StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE, AioOpenOption.DIRECT);
                AioFile signal = notifier.open(DIR.resolve("signal.bin"), StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE)) {
            MemorySegment buffer = file.allocate(4096);
            await(file.write(buffer, 0));
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch blocking = new CountDownLatch(1);
            AtomicReference<String> callbackThread = new AtomicReference<>();
            int notified = notifier.completionEventFd().orElseThrow();
            CompletableFuture<Void> blocked = aio.poll(notified, POLLIN).thenRun(() -> {
                callbackThread.set(Thread.currentThread().getName());
                blocking.countDown();
                try {
                    release.await(TestFiles.TIMEOUT_SECONDS, TimeUnit.SECONDS); // a callback that blocks
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }).toCompletableFuture();
            await(signal.write(notifier.allocate(10), 0)); // a completion of the notifier makes the poll fire
            assertTrue(blocking.await(TestFiles.TIMEOUT_SECONDS, TimeUnit.SECONDS), "the callback runs");
            assertEquals("aio-poller", callbackThread.get(), "the callback holds the poller");
            long start = System.nanoTime();
            for (int i = 0; i < 10; i++) {
                // Polled, not waited for in person: a waiting caller would collect its own completion itself.
                CompletableFuture<Integer> other = file.read(file.allocate(4096), 0).toCompletableFuture();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (!other.isDone() && System.nanoTime() < deadline) {
                    Thread.sleep(1);
                }
                assertTrue(other.isDone(), "completed while another callback blocks the poller");
                assertEquals(4096, other.join());
            }
            assertFalse(blocked.isDone(), "the blocking callback still blocks");
            assertEquals(1, aio.statistics().pollerStalls(), "one takeover");
            System.out.printf("10 reads completed in %d ms while a callback blocked the poller%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            release.countDown();
            await(blocked);
            assertEquals(4096, await(file.read(buffer, 0)), "the context goes on after the callback returns");
        }
    }

    /** Completing or obtruding the stage by hand changes what the caller sees, not the kernel's operation. */
    @Test
    void theStageIsNotTheEnginesOperation() throws Exception {
        try (AioContext aio = AioContext.builder().build();
                AioFile file = aio.open(DIR.resolve("own.bin"), StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE, AioOpenOption.DIRECT)) {
            MemorySegment out = file.allocate(1 << 20);
            out.fill((byte) 7);
            CompletableFuture<Integer> write = file.write(out, 0).toCompletableFuture();
            assertTrue(write.complete(-1) || write.isDone());
            write.obtrudeValue(-2);
            assertEquals(-2, write.join(), "the caller's view");
            MemorySegment in = file.allocate(1 << 20);
            CompletableFuture<Integer> read = file.read(in, 0).toCompletableFuture();
            read.completeExceptionally(new IllegalStateException("given up"));
            file.close(); // the descriptor outlives both operations: they are still the engine's
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TestFiles.TIMEOUT_SECONDS);
            while (aio.statistics().completed() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertEquals(2, aio.statistics().completed(), "both finished in the engine");
            assertEquals(0, aio.statistics().inFlight());
            assertEquals(7, in.get(ValueLayout.JAVA_BYTE, (1 << 20) - 1), "the read really took place");
        }
    }

    /** cancel(true) on a stage goes to AioContext.cancel: it takes a queued operation back. */
    @Test
    void cancelOnTheStageReachesTheContext() throws Exception {
        try (AioContext aio = AioContext.builder().queueDepth(1).build();
                AioFile file = aio.open(DIR.resolve("cancel.bin"), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        AioOpenOption.DIRECT)) {
            MemorySegment block = file.allocate(1 << 20); // one buffer: allocating each would let the ring drain
            CompletableFuture<?>[] writes = new CompletableFuture<?>[64];
            for (int i = 0; i < writes.length; i++) {
                writes[i] = file.write(block, (long) i << 20).toCompletableFuture();
            }
            CompletableFuture<?> last = writes[writes.length - 1];
            assertTrue(aio.statistics().queued() > 0, "the ring holds one, the rest wait in Java");
            assertTrue(last.cancel(true), "still queued: taken back");
            assertTrue(last.isCancelled());
            assertInstanceOf(CancellationException.class, TestFiles.failure(last));
            for (int i = 0; i < writes.length - 1; i++) {
                await(writes[i]);
            }
            assertFalse(writes[0].cancel(true), "a completed write cannot be cancelled");
        }
    }
}
