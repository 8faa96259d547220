package io.quarkiverse.aio.internal;

import static io.quarkiverse.aio.internal.linux.KernelAbi.EFD_CLOEXEC;
import static io.quarkiverse.aio.internal.linux.KernelAbi.EFD_NONBLOCK;
import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.quarkiverse.aio.AioContext;
import io.quarkiverse.aio.TestFiles;
import io.quarkiverse.aio.internal.linux.LibC;

/** Polls at close, and cancel() racing the poll's own completion. */
class PollCancelTest {

    static final int POLLIN = 1;

    /** A poll that would never fire does not hold close(): it is cancelled, and close() returns at once. */
    @Test
    void aPendingPollDoesNotHoldClose() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment callState = LibC.allocateCallState(arena);
            int fd = LibC.eventfd(callState, 0, EFD_CLOEXEC | EFD_NONBLOCK);
            try {
                AioContext aio = AioContext.builder().build(); // a shutdown timeout of 10 s
                CompletableFuture<Integer> poll = aio.poll(fd, POLLIN).toCompletableFuture();
                long start = System.nanoTime();
                aio.close();
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertTrue(millis < 1_000, "close() took " + millis + " ms");
                assertInstanceOf(CancellationException.class, TestFiles.failure(poll));
            } finally {
                LibC.close(callState, fd);
            }
        }
    }

    /**
     * cancel() and the poll firing at the same moment, many times: when cancel() answers true the stage fails with
     * CancellationException, and when it answers false the stage has the events.
     */
    @Test
    void cancelIsTrueOnlyWhenTheStageIsCancelled() throws Exception {
        try (Arena arena = Arena.ofShared(); AioContext aio = AioContext.builder().build()) {
            MemorySegment callState = LibC.allocateCallState(arena);
            MemorySegment one = arena.allocate(ValueLayout.JAVA_LONG);
            one.set(ValueLayout.JAVA_LONG, 0, 1);
            MemorySegment sink = arena.allocate(ValueLayout.JAVA_LONG);
            int fd = LibC.eventfd(callState, 0, EFD_CLOEXEC | EFD_NONBLOCK);
            int cancelled = 0, fired = 0;
            try {
                for (int i = 0; i < 500; i++) {
                    LibC.read(fd, sink, 8); // readable no more
                    CompletableFuture<Integer> poll = aio.poll(fd, POLLIN).toCompletableFuture();
                    CountDownLatch go = new CountDownLatch(1);
                    Thread signaller = Thread.ofPlatform().start(() -> {
                        try {
                            go.await(TestFiles.TIMEOUT_SECONDS, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            return;
                        }
                        LibC.write(fd, one, 8);
                    });
                    go.countDown();
                    if (i % 2 == 0) {
                        Thread.onSpinWait();
                    }
                    boolean accepted = aio.cancel(poll);
                    signaller.join(TimeUnit.SECONDS.toMillis(TestFiles.TIMEOUT_SECONDS));
                    try {
                        int events = poll.get(TestFiles.TIMEOUT_SECONDS, TimeUnit.SECONDS);
                        assertFalse(accepted, "cancel() said true, yet the poll completed with " + events);
                        assertEquals(POLLIN, events & POLLIN);
                        fired++;
                    } catch (CancellationException | ExecutionException e) {
                        assertTrue(accepted, "cancelled although cancel() said false: " + e);
                        cancelled++;
                    }
                }
            } finally {
                LibC.close(callState, fd);
            }
            System.out.printf("cancel raced the poll 500 times: %d cancelled, %d fired%n", cancelled, fired);
            assertTrue(cancelled > 0, "some cancels win the race");
        }
    }
}
