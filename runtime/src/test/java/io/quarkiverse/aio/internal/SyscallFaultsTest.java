package io.quarkiverse.aio.internal;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkiverse.aio.AioClosedException;
import io.quarkiverse.aio.AioContext;
import io.quarkiverse.aio.AioException;
import io.quarkiverse.aio.AioFile;
import io.quarkiverse.aio.AioOpenOption;
import io.quarkiverse.aio.SubmitBatching;
import io.quarkiverse.aio.TestFiles;
import io.quarkiverse.aio.internal.linux.Errno;

/**
 * What io_submit can answer, injected deterministically through the syscall seam: EAGAIN (also two submitters at
 * once, with nothing in the kernel to retry them), EINTR, EBADF and EINVAL, partial batches, and a failure that
 * races close(). Every stage completes once, with the right outcome, and the context keeps working.
 */
class SyscallFaultsTest {

    static Path dir;

    @BeforeAll
    static void setUp() {
        dir = TestFiles.directory(SyscallFaultsTest.class);
    }

    static AioContext context(FaultySyscalls syscalls, AioContext.Builder builder) throws Exception {
        return AioContextFactory.create(builder.settings(), syscalls);
    }

    static AioFile file(AioContext aio, String name) throws Exception {
        return aio.open(dir.resolve(name), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE, AioOpenOption.DIRECT);
    }

    /** Two submitters meet EAGAIN at once with nothing in flight: both retried soon, neither sees EAGAIN. */
    @Test
    void eagainIsNeverSeenAndRetriedSoon() throws Exception {
        FaultySyscalls syscalls = new FaultySyscalls();
        try (AioContext aio = context(syscalls, AioContext.builder()); AioFile file = file(aio, "eagain.bin")) {
            syscalls.fail(6, Errno.EAGAIN, 20); // slow failures, so that both submitters are inside together
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<Integer>> stages = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                long position = t * 4096L;
                threads.add(Thread.ofPlatform().start(() -> {
                    try {
                        go.await(TestFiles.TIMEOUT_SECONDS, TimeUnit.SECONDS);
                        stages.add(file.write(file.allocate(4096), position).toCompletableFuture());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
            }
            long start = System.nanoTime();
            go.countDown();
            for (Thread thread : threads) {
                thread.join(TimeUnit.SECONDS.toMillis(TestFiles.TIMEOUT_SECONDS));
            }
            for (CompletableFuture<Integer> stage : stages) {
                assertEquals(4096, stage.get(TestFiles.TIMEOUT_SECONDS, TimeUnit.SECONDS));
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(millis < 800, "retried within milliseconds, not at an idle timeout: " + millis + " ms");
            assertEquals(0, aio.statistics().failed());
        }
    }

    @Test
    void eintrIsRetried() throws Exception {
        FaultySyscalls syscalls = new FaultySyscalls();
        try (AioContext aio = context(syscalls, AioContext.builder()); AioFile file = file(aio, "eintr.bin")) {
            syscalls.fail(3, Errno.EINTR, 0);
            assertEquals(4096, TestFiles.await(file.write(file.allocate(4096), 0)));
        }
    }

    /** A refusal fails that operation with its errno, typed; the context goes on. */
    @Test
    void ebadfAndEinvalFailTheOperationOnly() throws Exception {
        FaultySyscalls syscalls = new FaultySyscalls();
        try (AioContext aio = context(syscalls, AioContext.builder()); AioFile file = file(aio, "refused.bin")) {
            for (int errno : new int[] { Errno.EBADF, Errno.EINVAL }) {
                syscalls.fail(1, errno, 0);
                AioException e = assertInstanceOf(AioException.class,
                        TestFiles.failure(file.write(file.allocate(4096), 0)));
                assertEquals(Errno.name(errno), e.errnoName());
                assertEquals("io_submit", e.call());
                assertTrue(e.getMessage().contains("io_submit refused the write of 4096 bytes"), e.getMessage());
                assertEquals(4096, TestFiles.await(file.write(file.allocate(4096), 0)), "still works");
            }
            assertEquals(aio.statistics().submitted(), aio.statistics().completed());
        }
    }

    /** Batches the kernel takes only in part are continued where it stopped, in order. */
    @Test
    void partialBatchesAreContinued() throws Exception {
        FaultySyscalls syscalls = new FaultySyscalls().partial(1000);
        try (AioContext aio = context(syscalls, AioContext.builder().submitBatching(SubmitBatching.ALWAYS));
                AioFile file = file(aio, "partial.bin")) {
            MemorySegment block = file.allocate(4096);
            TestFiles.await(file.write(block, 0));
            // Callbacks on the poller issue the next reads: those are gathered into batches.
            int lanes = 16, rounds = 50;
            List<CompletableFuture<Void>> chains = new ArrayList<>();
            for (int lane = 0; lane < lanes; lane++) {
                CompletableFuture<Void> chain = new CompletableFuture<>();
                chains.add(chain);
                readChain(file, rounds, chain);
            }
            for (CompletableFuture<Void> chain : chains) {
                chain.get(TestFiles.TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }
            assertTrue(syscalls.batches.get() > 0, "batches were submitted");
            assertEquals(0, aio.statistics().failed());
        }
    }

    private static void readChain(AioFile file, int left, CompletableFuture<Void> done) {
        file.read(file.allocate(4096), 0).whenComplete((n, e) -> {
            if (e != null) {
                done.completeExceptionally(e);
            } else if (n != 4096) {
                done.completeExceptionally(new AssertionError(n));
            } else if (left == 1) {
                done.complete(null);
            } else {
                readChain(file, left - 1, done);
            }
        });
    }

    /**
     * An io_submit that fails slowly while close() runs: the operation completes exactly once (with the refusal or
     * as closed), its file reference is returned once (the file closes), and close() finishes.
     */
    @Test
    void aFailureRacingCloseCompletesTheOperationOnce() throws Exception {
        for (int round = 0; round < 10; round++) {
            FaultySyscalls syscalls = new FaultySyscalls();
            AioContext aio = context(syscalls, AioContext.builder());
            AioFile file = file(aio, "race.bin");
            syscalls.fail(1, Errno.EBADF, 50);
            CompletableFuture<CompletableFuture<Integer>> submitted = CompletableFuture.supplyAsync(
                    () -> file.write(file.allocate(4096), 0).toCompletableFuture(), Thread::startVirtualThread);
            Thread.sleep(10); // the submitter is inside the slow io_submit
            aio.close();
            CompletableFuture<Integer> stage = submitted.get(TestFiles.TIMEOUT_SECONDS, TimeUnit.SECONDS);
            Throwable failure = TestFiles.failure(stage);
            assertTrue(failure instanceof AioClosedException || failure instanceof AioException, failure.toString());
            assertEquals(aio.statistics().submitted(), aio.statistics().completed(), "completed exactly once");
            assertFalse(file.isOpen());
        }
    }


    /** The real fallback path, not the forced one: a kernel without AIO (ENOSYS from io_setup). */
    @Test
    void aKernelWithoutAioFallsBackOnlyWhenAskedTo() throws Exception {
        FaultySyscalls noAio = new FaultySyscalls().failSetup(Errno.ENOSYS);
        io.quarkiverse.aio.AioUnavailableException e = assertThrows(io.quarkiverse.aio.AioUnavailableException.class,
                () -> context(noAio, AioContext.builder()));
        assertEquals("ENOSYS", e.errnoName());
        assertTrue(e.getMessage().contains("CONFIG_AIO"), e.getMessage());
        try (AioContext aio = context(noAio, AioContext.builder().fallback(io.quarkiverse.aio.AioFallback.THREAD_POOL));
                AioFile file = file(aio, "fallback.bin")) {
            assertEquals("thread-pool", aio.statistics().backend());
            assertEquals(4096, TestFiles.await(file.write(file.allocate(4096), 0)));
        }
    }

    /** A read in the kernel is refused by io_cancel itself (EINVAL), not because it had completed already. */
    @Test
    void cancelOfAReadIsRefusedByTheKernel() throws Exception {
        FaultySyscalls syscalls = new FaultySyscalls();
        try (AioContext aio = context(syscalls, AioContext.builder()); AioFile file = file(aio, "cancel.bin")) {
            TestFiles.await(file.write(file.allocate(64 << 20), 0));
            CompletableFuture<Integer> big = file.read(file.allocate(64 << 20), 0).toCompletableFuture();
            assertFalse(aio.cancel(big));
            assertEquals(1, syscalls.cancels.get(), "io_cancel was asked: the read was in the kernel");
            assertEquals(Errno.EINVAL, syscalls.lastCancelErrno, "and refused it");
            assertEquals(64 << 20, big.get(TestFiles.TIMEOUT_SECONDS, TimeUnit.SECONDS), "the read ran to its end");
        }
    }

    /** A poll is cancelled in the kernel: io_cancel accepts it. */
    @Test
    void aCancelledPollIsCancelledInTheKernel() throws Exception {
        FaultySyscalls syscalls = new FaultySyscalls();
        try (AioContext aio = context(syscalls, AioContext.builder());
                AioContext notifier = AioContext.builder().completionEventFd(true).build()) {
            var poll = aio.poll(notifier.completionEventFd().orElseThrow(), 1).toCompletableFuture();
            Thread.sleep(20);
            assertTrue(aio.cancel(poll));
            assertEquals(1, syscalls.cancels.get());
            assertTrue(syscalls.lastCancelErrno == 0 || syscalls.lastCancelErrno == Errno.EINPROGRESS,
                    "accepted by io_cancel: " + Errno.name(syscalls.lastCancelErrno));
            assertInstanceOf(java.util.concurrent.CancellationException.class, TestFiles.failure(poll));
        }
    }

    /**
     * An RWF_NOWAIT read of uncached data: the kernel answers EAGAIN once, and the read is submitted again without
     * the flag, on the blocking executor (api.adoc), never on the poller or the caller.
     */
    @Test
    void nowaitRetriesRunOnTheBlockingExecutor() throws Exception {
        FaultySyscalls syscalls = new FaultySyscalls();
        Path path = dir.resolve("nowait.bin");
        try (AioContext aio = context(syscalls, AioContext.builder())) {
            try (AioFile direct = file(aio, "nowait.bin")) {
                TestFiles.await(direct.write(direct.allocate(1 << 20), 0)); // O_DIRECT: nothing in the page cache
            }
            syscalls.submitThreads.clear();
            String caller = Thread.currentThread().getName();
            try (AioFile buffered = aio.open(path)) {
                assertEquals(1 << 20, TestFiles.await(buffered.read(aio.allocate(1 << 20), 0,
                        io.quarkiverse.aio.RwFlags.NOWAIT)));
            }
            assertEquals(1, aio.statistics().nowaitRetries(), "one EAGAIN, one retry");
            assertTrue(syscalls.submitThreads.contains(caller), "first submitted by the caller");
            assertTrue(syscalls.submitThreads.stream().anyMatch(t -> t.startsWith("aio-blocking-")),
                    "retried on the blocking executor: " + syscalls.submitThreads);
            assertTrue(syscalls.submitThreads.stream().noneMatch(t -> t.startsWith("aio-poller")),
                    "never on the poller: " + syscalls.submitThreads);
        }
    }
}
