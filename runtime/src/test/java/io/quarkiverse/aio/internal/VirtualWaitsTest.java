package io.quarkiverse.aio.internal;

import static io.quarkiverse.aio.internal.linux.KernelAbi.EFD_CLOEXEC;
import static io.quarkiverse.aio.internal.linux.KernelAbi.EFD_NONBLOCK;
import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Test;

import io.quarkiverse.aio.AioContext;
import io.quarkiverse.aio.AioFile;
import io.quarkiverse.aio.AioOpenOption;
import io.quarkiverse.aio.TestFiles;
import io.quarkiverse.aio.internal.linux.LibC;

/**
 * Virtual threads waiting with a timeout ({@code get(timeout, unit)}) park without a JDK timer: the completion wakes
 * them, the watchdog ends their wait at its deadline, an interrupt ends it at once, and two of them waiting for one
 * stage both wake. Polls of an eventfd are operations that complete exactly when the test writes it.
 */
class VirtualWaitsTest {

    static final int POLLIN = 1;

    /** Runs {@code body} on a virtual thread and returns what it returns, or throws what it threw. */
    static <T> T onAVirtualThread(Callable<T> body) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                result.complete(body.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        try {
            return result.get(TestFiles.TIMEOUT_SECONDS * 2, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    interface WithEventFd {
        void run(AioContext aio, int fd) throws Exception;
    }

    /** A context and a non-blocking eventfd whose polls complete exactly when the test writes it. */
    static void withEventFd(WithEventFd body) throws Exception {
        try (Arena arena = Arena.ofConfined(); AioContext aio = AioContext.builder().build()) {
            MemorySegment callState = LibC.allocateCallState(arena);
            int fd = LibC.eventfd(callState, 0, EFD_CLOEXEC | EFD_NONBLOCK);
            assertTrue(fd >= 0);
            try {
                body.run(aio, fd);
            } finally {
                LibC.close(callState, fd);
            }
        }
    }

    private static void signal(int fd) {
        MemorySegment one = Arena.ofAuto().allocate(ValueLayout.JAVA_LONG);
        one.set(ValueLayout.JAVA_LONG, 0, 1);
        LibC.write(fd, one, 8);
    }

    @Test
    void readsWaitedForWithATimeoutComplete() throws Exception {
        Path dir = TestFiles.directory(VirtualWaitsTest.class);
        try (AioContext aio = AioContext.builder().build();
                AioFile file = aio.open(dir.resolve("reads.bin"), StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE, AioOpenOption.DIRECT)) {
            MemorySegment block = file.allocate(4096);
            file.write(block, 0).toCompletableFuture().get(TestFiles.TIMEOUT_SECONDS, TimeUnit.SECONDS);
            int reads = onAVirtualThread(() -> {
                int n = 0;
                for (int i = 0; i < 2000; i++) {
                    n += file.read(block, 0).toCompletableFuture().get(TestFiles.TIMEOUT_SECONDS, TimeUnit.SECONDS)
                            / 4096;
                }
                return n;
            });
            assertEquals(2000, reads);
        }
    }

    @Test
    void theDeadlineTheCompletionAndAnInterruptEachEndAWait() throws Exception {
        withEventFd((aio, fd) -> {
            var poll = aio.poll(fd, POLLIN).toCompletableFuture();
            long waited = onAVirtualThread(() -> {
                long start = System.nanoTime();
                assertThrows(TimeoutException.class, () -> poll.get(200, TimeUnit.MILLISECONDS));
                return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            });
            assertTrue(waited >= 200 && waited < 2_000, "ended at its deadline: " + waited + " ms");

            Thread.ofPlatform().start(() -> {
                CallerWaitsTest.sleep(200);
                signal(fd);
            });
            long completedAfter = onAVirtualThread(() -> {
                long start = System.nanoTime();
                assertEquals(POLLIN, poll.get(TestFiles.TIMEOUT_SECONDS, TimeUnit.SECONDS) & POLLIN);
                return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            });
            assertTrue(completedAfter < 5_000, "woken by the completion, not the deadline: " + completedAfter);

            LibC.read(fd, Arena.ofAuto().allocate(8), 8); // the counter back to 0: the next poll waits
            var never = aio.poll(fd, POLLIN).toCompletableFuture();
            long interruptedAfter = onAVirtualThread(() -> {
                Thread self = Thread.currentThread();
                Thread.ofPlatform().start(() -> {
                    CallerWaitsTest.sleep(200);
                    self.interrupt();
                });
                long start = System.nanoTime();
                assertThrows(InterruptedException.class,
                        () -> never.get(TestFiles.TIMEOUT_SECONDS, TimeUnit.SECONDS));
                return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            });
            assertTrue(interruptedAfter < 5_000, "an interrupt ends it: " + interruptedAfter + " ms");
            signal(fd);
            assertEquals(POLLIN, never.get(TestFiles.TIMEOUT_SECONDS, TimeUnit.SECONDS) & POLLIN);
        });
    }

    @Test
    void manyVirtualThreadsWaitingForOneStageAllWake() throws Exception {
        withEventFd((aio, fd) -> {
            var poll = aio.poll(fd, POLLIN).toCompletableFuture();
            List<CompletableFuture<Integer>> woken = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                CompletableFuture<Integer> got = new CompletableFuture<>();
                woken.add(got);
                Thread.ofVirtual().start(() -> {
                    try {
                        got.complete(poll.get(TestFiles.TIMEOUT_SECONDS, TimeUnit.SECONDS));
                    } catch (Exception e) {
                        got.completeExceptionally(e);
                    }
                });
            }
            Thread.sleep(200); // they all wait by now (one in the library's way, the rest in the JDK's)
            signal(fd);
            for (CompletableFuture<Integer> got : woken) {
                assertEquals(POLLIN, got.get(5, TimeUnit.SECONDS) & POLLIN);
            }
        });
    }

    @Test
    void aStageCompletedByTheCallerWakesItsWaiter() throws Exception {
        withEventFd((aio, fd) -> {
            var poll = aio.poll(fd, POLLIN).toCompletableFuture();
            Thread.ofPlatform().start(() -> {
                CallerWaitsTest.sleep(200);
                poll.complete(42);
            });
            long start = System.nanoTime();
            assertEquals(42, onAVirtualThread(() -> poll.get(TestFiles.TIMEOUT_SECONDS, TimeUnit.SECONDS)));
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "woken at once");
            signal(fd); // the kernel's poll completes too, and is collected
        });
    }

    /** Short timeouts (zero included) wait the JDK's way, and completeAsync completes through the waking path. */
    @Test
    void shortTimeoutsAndCompleteAsync() throws Exception {
        withEventFd((aio, fd) -> {
            var poll = aio.poll(fd, POLLIN).toCompletableFuture();
            onAVirtualThread(() -> {
                assertThrows(TimeoutException.class, () -> poll.get(0, TimeUnit.SECONDS));
                assertThrows(TimeoutException.class, () -> poll.get(100, TimeUnit.MICROSECONDS));
                return null;
            });
            var executor = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
            try {
                poll.completeAsync(() -> 7, task -> executor.schedule(task, 200, TimeUnit.MILLISECONDS));
                long start = System.nanoTime();
                assertEquals(7, onAVirtualThread(() -> poll.get(TestFiles.TIMEOUT_SECONDS, TimeUnit.SECONDS)));
                assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "woken by completeAsync");
            } finally {
                executor.shutdownNow();
            }
            signal(fd);
        });
    }

}
