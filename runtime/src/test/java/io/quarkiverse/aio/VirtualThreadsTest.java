package io.quarkiverse.aio;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * A virtual thread that waits for an operation must not hold its carrier: a carrier held inside a native call (as a
 * virtual thread blocked in read(2) or io_getevents would be) is invisible to the JDK's pinning events, so the test
 * looks at the carriers themselves. Many more virtual threads than carriers wait for operations that will not complete
 * for a while, and one more virtual thread must still get a carrier at once.
 */
class VirtualThreadsTest {

    static final int POLLIN = 1;

    @Test
    void waitingVirtualThreadsLeaveTheirCarriersFree() throws Exception {
        int waiters = 4 * Runtime.getRuntime().availableProcessors() + 4; // more than the carriers
        Path dir = TestFiles.directory(VirtualThreadsTest.class);
        try (AioContext aio = AioContext.builder().build();
                AioContext notifier = AioContext.builder().completionEventFd(true).build();
                AioFile signal = notifier.open(dir.resolve("signal.bin"), StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE)) {
            int fd = notifier.completionEventFd().orElseThrow(); // readable once notifier completes something
            CountDownLatch waiting = new CountDownLatch(waiters);
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < waiters; i++) {
                threads.add(Thread.ofVirtual().start(() -> {
                    for (int round = 0; round < 2; round++) { // the second wait is after the thread learnt to wait
                        var poll = aio.poll(fd, POLLIN).toCompletableFuture();
                        if (round == 1) {
                            waiting.countDown();
                        }
                        try {
                            if (round == 0) {
                                poll.get(10, TimeUnit.MILLISECONDS);
                            } else {
                                poll.get(TestFiles.TIMEOUT_SECONDS, TimeUnit.SECONDS);
                            }
                        } catch (java.util.concurrent.TimeoutException e) {
                            aio.cancel(poll);
                        } catch (Exception e) {
                            // cancelled, or done
                        }
                    }
                }));
            }
            assertTrue(waiting.await(TestFiles.TIMEOUT_SECONDS, TimeUnit.SECONDS));
            Thread.sleep(100); // all of them inside get()
            long start = System.nanoTime();
            CompletableFuture<Long> probe = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> probe.complete(System.nanoTime() - start));
            long millis = TimeUnit.NANOSECONDS.toMillis(probe.get(TestFiles.TIMEOUT_SECONDS, TimeUnit.SECONDS));
            TestFiles.await(signal.write(notifier.allocate(1), 0)); // the eventfd is readable: every poll completes
            for (Thread thread : threads) {
                thread.join(TimeUnit.SECONDS.toMillis(TestFiles.TIMEOUT_SECONDS));
                assertFalse(thread.isAlive());
            }
            assertTrue(millis < 500, waiters + " waiting virtual threads delayed another one by " + millis + " ms");
        }
    }
}
