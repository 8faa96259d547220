package io.quarkiverse.aio;

import static io.quarkiverse.aio.TestFiles.await;
import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The buffer rule: the kernel never writes into memory that its owner can free before the operation completes.
 * Library and automatic-arena memory is kept reachable; closeable arenas go through library memory (COPY).
 */
class BufferSafetyTest {

    static Path dir;
    static ExecutorService completions;
    static AioContext aio;
    static AioFile file;
    static final int SIZE = 1 << 20;

    @BeforeAll
    static void start() throws Throwable {
        dir = TestFiles.directory(BufferSafetyTest.class);
        byte[] data = new byte[SIZE];
        java.util.Arrays.fill(data, (byte) 0x5A);
        Files.write(dir.resolve("data.bin"), data);
        completions = Executors.newSingleThreadExecutor();
        aio = AioContext.builder().queueDepth(8).completionExecutor(completions).build();
        file = aio.open(dir.resolve("data.bin"), StandardOpenOption.READ, StandardOpenOption.WRITE,
                AioOpenOption.DIRECT);
    }

    @AfterAll
    static void stop() {
        file.close();
        aio.close();
        completions.shutdownNow();
    }

    /**
     * The read must not have completed when the arena closes, or the data would be copied in before: a poll that
     * nothing wakes holds the only slot of the ring, so the read waits until the test cancels the poll.
     */
    @Test
    void sharedArenaClosedDuringAReadFailsTheStageAndCorruptsNothing() throws Exception {
        try (AioContext small = AioContext.builder().queueDepth(1).build();
                AioContext notifier = AioContext.builder().queueDepth(4).completionEventFd(true).build();
                AioFile data = small.open(dir.resolve("data.bin"), StandardOpenOption.READ, AioOpenOption.DIRECT)) {
            CompletionStage<Integer> blocker = small.poll(notifier.completionEventFd().orElseThrow(), 1);
            Arena arena = Arena.ofShared();
            MemorySegment buffer = arena.allocate(SIZE, 4096);
            CompletionStage<Integer> read = data.read(buffer, 0);
            assertFalse(read.toCompletableFuture().isDone(), "waits behind the poll");
            arena.close(); // the owner frees the memory before the read has completed
            assertTrue(small.cancel(blocker), "the poll is taken back: the read goes to the kernel");
            Throwable failure = TestFiles.failure(read);
            assertInstanceOf(AioClosedException.class, failure);
            assertTrue(failure.getMessage().contains("arena"), failure.getMessage());
            assertEquals(SIZE, await(data.read(data.allocate(SIZE), 0)), "the context goes on");
        }
    }

    @Test
    void sharedArenaKeptOpenReceivesTheData() throws Throwable {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment buffer = arena.allocate(SIZE, 4096);
            buffer.fill((byte) 0);
            assertEquals(SIZE, await(file.read(buffer, 0)));
            MemorySegment expected = Arena.ofAuto().allocate(SIZE).fill((byte) 0x5A);
            assertEquals(-1, buffer.mismatch(expected), "every byte copied in from library memory");
        }
    }

    @Test
    void confinedArenaWriteIsCopiedAtOnceSoClosingItEarlyIsHarmless() throws Throwable {
        Path path = dir.resolve("confined-write.bin");
        CompletionStage<Integer> write;
        try (AioFile out = aio.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, AioOpenOption.DIRECT)) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment buffer = arena.allocate(8192, 4096);
                buffer.fill((byte) 3);
                write = out.write(buffer, 0);
            } // closed before the write completes
            assertEquals(8192, await(write));
        }
        byte[] written = Files.readAllBytes(path);
        assertEquals(8192, written.length);
        assertEquals(3, written[8191]);
    }

    @Test
    void confinedArenaReadIsRefusedWithTheReason() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(4096, 4096);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> file.read(buffer, 0));
            assertTrue(e.getMessage().contains("confined arena"), e.getMessage());
        }
    }

    @Test
    void trustModeLetsTheKernelUseAConfinedArenaKeptOpen() throws Throwable {
        try (AioContext trusting = AioContext.builder().queueDepth(4)
                .closeableArenaBuffers(CloseableArenaBuffers.TRUST).build();
                AioFile in = trusting.open(dir.resolve("data.bin"), AioOpenOption.DIRECT);
                Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(4096, 4096);
            assertEquals(4096, await(in.read(buffer, 0)));
            assertEquals((byte) 0x5A, buffer.get(ValueLayout.JAVA_BYTE, 0));
        }
    }

    @Test
    void libraryMemoryDroppedByTheCallerStaysAliveUntilCompletion() throws Throwable {
        // The only strong reference to each buffer is the library's: a collection must not free it under the kernel.
        // The completion executor is held, so no stage completes before the collector has run.
        CountDownLatch release = TestFiles.hold(completions);
        int size = SIZE / 4;
        CompletionStage<Integer>[] reads = new CompletionStage[64];
        java.lang.ref.WeakReference<?>[] buffers = new java.lang.ref.WeakReference<?>[reads.length];
        for (int i = 0; i < reads.length; i++) {
            MemorySegment buffer = file.allocate(size);
            buffers[i] = new java.lang.ref.WeakReference<>(buffer);
            reads[i] = file.read(buffer, (i % 4) * (long) size);
        }
        System.gc();
        int checkedInFlight = 0;
        for (int i = 0; i < reads.length; i++) {
            boolean alive = buffers[i].get() != null; // first: a stage done after this may drop its buffer
            boolean done = reads[i].toCompletableFuture().isDone();
            assertTrue(alive || done, "buffer " + i + " was collected while its read was in flight");
            checkedInFlight += done ? 0 : 1;
        }
        release.countDown();
        for (CompletionStage<Integer> read : reads) {
            assertEquals(size, await(read));
        }
        assertEquals(reads.length, checkedInFlight, "no stage could complete while the collector ran");
    }
}
