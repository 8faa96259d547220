package io.quarkiverse.aio.internal;

import static io.quarkiverse.aio.internal.linux.KernelAbi.EFD_CLOEXEC;
import static io.quarkiverse.aio.internal.linux.KernelAbi.EFD_NONBLOCK;
import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Test;

import io.quarkiverse.aio.AioContext;
import io.quarkiverse.aio.AioFile;
import io.quarkiverse.aio.AioOpenOption;
import io.quarkiverse.aio.TestFiles;
import io.quarkiverse.aio.internal.linux.KernelAbi;
import io.quarkiverse.aio.internal.linux.LibC;

/**
 * A platform thread that waits for its own operation is woken by the kernel through its own eventfd. Its timeouts
 * and interrupts are enforced although it sleeps in a native read, where Thread.interrupt cannot reach it.
 */
class CallerWaitsTest {

    static final int POLLIN = 1;

    @Test
    void aThreadThatWaitsIsSignalledDirectlyFromItsSecondOperation() throws Throwable {
        onAThreadOfItsOwn(CallerWaitsTest::directFromTheSecondOperation);
    }

    interface Body {
        void run() throws Exception;
    }

    /** The wait state is the thread's own, and the test thread has waited before: each test gets a fresh thread. */
    static void onAThreadOfItsOwn(Body body) throws Throwable {
        Throwable[] failure = new Throwable[1];
        Thread thread = Thread.ofPlatform().start(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                failure[0] = e;
            }
        });
        thread.join(TimeUnit.SECONDS.toMillis(TestFiles.TIMEOUT_SECONDS * 2));
        assertFalse(thread.isAlive(), "finished in time");
        if (failure[0] != null) {
            throw failure[0];
        }
    }

    private static void directFromTheSecondOperation() throws Exception {
        Path dir = TestFiles.directory(CallerWaitsTest.class);
        java.nio.file.Files.write(dir.resolve("direct.bin"), new byte[4096]); // not through AIO: no wait yet
        try (AioContext aio = AioContext.builder().build();
                AioContext notifier = AioContext.builder().queueDepth(4).completionEventFd(true).build();
                AioFile signal = notifier.open(dir.resolve("signal.bin"), StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE);
                AioFile file = aio.open(dir.resolve("direct.bin"), StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE, AioOpenOption.DIRECT)) {
            // An operation that surely is still in flight when the thread waits for it: a poll that fires 50 ms on.
            var first = (OperationStage<Integer>) aio.poll(notifier.completionEventFd().orElseThrow(), POLLIN);
            assertFalse(first.signalsWaiter, "nothing known of this thread yet: the poller is signalled");
            Thread.ofPlatform().start(() -> {
                try {
                    Thread.sleep(50);
                    signal.write(notifier.allocate(1), 0);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertEquals(POLLIN, first.get(TestFiles.TIMEOUT_SECONDS, TimeUnit.SECONDS) & POLLIN);
            var second = (OperationStage<Integer>) file.read(file.allocate(4096), 0);
            assertTrue(second.signalsWaiter, "it waited for its last one: the kernel signals the thread itself");
            assertEquals(4096, second.get(TestFiles.TIMEOUT_SECONDS, TimeUnit.SECONDS));
            // How long it stays so depends on the machine: an operation that completes before its thread waits,
            // or that the poller collects first (the thread descheduled after io_submit), turns it back.
            int direct = 0;
            for (int i = 0; i < 100; i++) {
                var next = (OperationStage<Integer>) file.read(file.allocate(4096), 0);
                direct += next.signalsWaiter ? 1 : 0;
                assertEquals(4096, next.get(TestFiles.TIMEOUT_SECONDS, TimeUnit.SECONDS));
            }
            System.out.printf("%d of 100 reads, each waited for at once, signalled their thread directly%n", direct);
            var notWaited = (OperationStage<Integer>) file.read(file.allocate(4096), 0);
            CompletableFuture<Integer> dependent = notWaited.thenApply(n -> n); // a dependent: it will not wait
            assertEquals(4096, dependent.get(TestFiles.TIMEOUT_SECONDS, TimeUnit.SECONDS));
            assertFalse(((OperationStage<?>) file.read(file.allocate(4096), 0)).signalsWaiter,
                    "after a dependent stage the poller is signalled again");
        }
    }

    /** A poll that never fires: get(timeout) ends at its deadline, an interrupt ends get(), join() keeps waiting. */
    @Test
    void timeoutsAndInterruptsEndADirectWait() throws Throwable {
        onAThreadOfItsOwn(CallerWaitsTest::timeoutsAndInterrupts);
    }

    private static void timeoutsAndInterrupts() throws Exception {
        try (Arena arena = Arena.ofConfined(); AioContext aio = AioContext.builder().build()) {
            MemorySegment callState = LibC.allocateCallState(arena);
            int fd = LibC.eventfd(callState, 0, EFD_CLOEXEC | EFD_NONBLOCK);
            assertTrue(fd >= 0);
            try {
                var warmUp = (OperationStage<Integer>) aio.poll(fd, POLLIN);
                assertFalse(warmUp.signalsWaiter);
                assertThrows(TimeoutException.class, () -> warmUp.get(50, TimeUnit.MILLISECONDS)); // learns to wait

                var never = (OperationStage<Integer>) aio.poll(fd, POLLIN);
                assertTrue(never.signalsWaiter);
                long start = System.nanoTime();
                assertThrows(TimeoutException.class, () -> never.get(200, TimeUnit.MILLISECONDS));
                long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertTrue(waited >= 200 && waited < 2_000, "ended at its deadline: " + waited + " ms");

                Thread main = Thread.currentThread();
                Thread interrupter = Thread.ofPlatform().start(() -> {
                    sleep(200);
                    main.interrupt();
                });
                start = System.nanoTime();
                assertThrows(InterruptedException.class, never::get);
                waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertTrue(waited < 2_000, "an interrupt ends get(): " + waited + " ms");
                interrupter.join(TimeUnit.SECONDS.toMillis(TestFiles.TIMEOUT_SECONDS));

                Thread signaller = Thread.ofPlatform().start(() -> {
                    sleep(200);
                    main.interrupt(); // join() keeps waiting through it...
                    sleep(200);
                    MemorySegment one = Arena.ofAuto().allocate(ValueLayout.JAVA_LONG);
                    one.set(ValueLayout.JAVA_LONG, 0, 1);
                    LibC.write(fd, one, 8); // ...until the descriptor is ready
                });
                assertEquals(POLLIN, never.join() & POLLIN);
                assertTrue(Thread.interrupted(), "join() keeps the interrupt for later");
                signaller.join(TimeUnit.SECONDS.toMillis(TestFiles.TIMEOUT_SECONDS));
                assertEquals(POLLIN, warmUp.get(TestFiles.TIMEOUT_SECONDS, TimeUnit.SECONDS) & POLLIN);
            } finally {
                LibC.close(callState, fd);
            }
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }


    /**
     * A thread with several operations in flight waits for one at a time: another of them completing meanwhile, taken
     * by another thread, leaves it in direct mode. Only a completion that finds its thread waiting for nothing means
     * the thread does not wait (then its next operations signal the poller).
     */
    @Test
    void aCompletionTakenWhileItsThreadWaitsForAnotherKeepsTheThreadDirect() throws Throwable {
        Path dir = TestFiles.directory(CallerWaitsTest.class);
        try (AioContext aio = AioContext.builder().build();
                AioFile file = aio.open(dir.resolve("taken.bin"), StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE)) {
            EngineFile engineFile = (EngineFile) file;
            Thread owner = Thread.ofPlatform().unstarted(() -> {
            });
            EventFd eventFd = EventFd.create();
            try {
                CallerWaits.Waiter waiter = new CallerWaits.Waiter(owner, eventFd);
                for (boolean awaiting : new boolean[] { true, false }) {
                    waiter.noteWaited(); // direct mode
                    assertTrue(waiter.isDirect());
                    waiter.awaiting = awaiting ? 1 : 0;
                    // An operation of the owner's, never submitted, whose completion this thread takes
                    OperationStage<Integer> op = new OperationStage<>(engineFile, KernelAbi.IOCB_CMD_PREAD, 0,
                            OperationStage.INT_RESULT);
                    op.waiter = waiter;
                    op.signalsWaiter = true;
                    assertFalse(Completer.handOver(op, 4096), "not awaited: this thread finishes it");
                    assertEquals(OperationStage.TAKEN, op.waitState());
                    assertEquals(awaiting, waiter.isDirect(),
                            awaiting ? "waiting for another operation: still direct" : "waiting for none: not direct");
                }
                assertTrue(waiter.isListed());
                CallerWaits.someThreadsWaitDirectly(); // the pollers' look: a thread that is gone is forgotten
                assertFalse(waiter.isListed(), "a thread that is not alive, with nothing in flight, is unlisted");
            } finally {
                eventFd.close();
            }
        }
    }

    /** With a completion executor the stage completes there: a waiting thread must not expect to finish it itself. */
    @Test
    void waitsWithACompletionExecutorDoNotHang() throws Throwable {
        onAThreadOfItsOwn(() -> {
            java.util.concurrent.ExecutorService completions = java.util.concurrent.Executors.newFixedThreadPool(2);
            Path dir = TestFiles.directory(CallerWaitsTest.class).resolve("executor");
            java.nio.file.Files.createDirectories(dir);
            try (AioContext aio = AioContext.builder().completionExecutor(completions).build();
                    AioFile file = aio.open(dir.resolve("f.bin"), StandardOpenOption.CREATE, StandardOpenOption.READ,
                            StandardOpenOption.WRITE, AioOpenOption.DIRECT)) {
                MemorySegment buffer = file.allocate(4096);
                for (int i = 0; i < 200; i++) {
                    var stage = (OperationStage<Integer>) file.write(buffer, 0);
                    assertFalse(stage.signalsWaiter, "completions go to the executor: no direct waits");
                    assertEquals(4096, stage.get(TestFiles.TIMEOUT_SECONDS, TimeUnit.SECONDS));
                }
            } finally {
                completions.shutdownNow();
            }
        });
    }
}
