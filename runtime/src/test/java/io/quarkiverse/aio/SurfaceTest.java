package io.quarkiverse.aio;

import static io.quarkiverse.aio.TestFiles.await;
import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionStage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Vectored I/O, fdatasync, preallocation and what io_cancel can and cannot do, against the real kernel. */
class SurfaceTest {

    static Path dir;
    static AioContext aio;

    @BeforeAll
    static void start() throws Exception {
        dir = TestFiles.directory(SurfaceTest.class);
        aio = AioContext.builder().queueDepth(8).build();
    }

    @AfterAll
    static void stop() {
        aio.close();
    }

    static MemorySegment filled(MemorySegment segment, int value) {
        segment.fill((byte) value);
        return segment;
    }

    @Test
    void vectoredWriteAndReadUnderDirectIo() throws Exception {
        try (AioFile file = aio.open(dir.resolve("vectored.bin"), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE, AioOpenOption.DIRECT)) {
            MemorySegment[] out = { filled(file.allocate(4096), 1), filled(file.allocate(8192), 2),
                    filled(file.allocate(4096), 3) };
            assertEquals(16384L, await(file.write(out, 4096)));
            byte[] disk = Files.readAllBytes(dir.resolve("vectored.bin"));
            assertEquals(4096 + 16384, disk.length);
            assertEquals(1, disk[4096]);
            assertEquals(2, disk[8192]);
            assertEquals(3, disk[4096 + 12288]);

            MemorySegment[] in = { file.allocate(8192), file.allocate(4096), file.allocate(4096) };
            assertEquals(16384L, await(file.read(in, 4096)));
            assertEquals(1, in[0].get(ValueLayout.JAVA_BYTE, 0));
            assertEquals(2, in[0].get(ValueLayout.JAVA_BYTE, 4096));
            assertEquals(2, in[1].get(ValueLayout.JAVA_BYTE, 0));
            assertEquals(3, in[2].get(ValueLayout.JAVA_BYTE, 4095));
        }
    }

    @Test
    void vectoredThroughLibraryMemoryForSharedArenas() throws Exception {
        try (AioFile file = aio.open(dir.resolve("vectored-shared.bin"), StandardOpenOption.CREATE,
                StandardOpenOption.READ, StandardOpenOption.WRITE); Arena arena = Arena.ofShared()) {
            MemorySegment[] out = { filled(arena.allocate(10), 7), filled(arena.allocate(5), 8) };
            assertEquals(15L, await(file.write(out, 0)));
            MemorySegment[] in = { arena.allocate(3), arena.allocate(20) };
            assertEquals(15L, await(file.read(in, 0)), "a short count near the end of the file");
            assertEquals(7, in[0].get(ValueLayout.JAVA_BYTE, 2));
            assertEquals(7, in[1].get(ValueLayout.JAVA_BYTE, 6));
            assertEquals(8, in[1].get(ValueLayout.JAVA_BYTE, 7));
            assertEquals(0, in[1].get(ValueLayout.JAVA_BYTE, 12), "nothing past the bytes read");
        }
    }

    @Test
    void vectoredBadInput() throws Exception {
        try (AioFile file = aio.open(dir.resolve("vectored-bad.bin"), StandardOpenOption.CREATE,
                StandardOpenOption.READ, StandardOpenOption.WRITE, AioOpenOption.DIRECT)) {
            await(file.write(file.allocate(4096), 0));
            assertThrows(IllegalArgumentException.class, () -> file.read(new MemorySegment[0], 0));
            assertThrows(IllegalArgumentException.class, () -> file.read(new MemorySegment[1025], 0));
            assertThrows(NullPointerException.class, () -> file.write(new MemorySegment[] { null }, 0));
            assertThrows(AioAlignmentException.class,
                    () -> file.write(new MemorySegment[] { file.allocate(4096), file.allocate(100) }, 0));
            assertThrows(IllegalArgumentException.class,
                    () -> file.read(new MemorySegment[] { MemorySegment.ofArray(new byte[4096]) }, 0));
            assertEquals(4096L, await(file.read(new MemorySegment[] { file.allocate(4096) }, 0)), "still works");
        }
    }

    @Test
    void fdatasyncAndFsync() throws Exception {
        try (AioFile file = aio.open(dir.resolve("sync.bin"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            await(file.write(filled(aio.allocate(100), 1), 0));
            assertNull(await(file.fdatasync()));
            assertNull(await(file.fsync()));
        }
    }

    @Test
    void preallocateReservesAndGrows() throws Exception {
        Path path = dir.resolve("preallocated.bin");
        try (AioFile file = aio.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            file.preallocate(0, 1 << 20);
            assertEquals(1 << 20, file.size());
            assertThrows(IllegalArgumentException.class, () -> file.preallocate(-1, 10));
        }
        String blocks = FaultsTest.run("stat", "-c", "%b %B", path.toString()).trim();
        long allocated = Long.parseLong(blocks.split(" ")[0]) * Long.parseLong(blocks.split(" ")[1]);
        assertTrue(allocated >= 1 << 20, "allocated on disk: " + allocated);
    }

    @Test
    void cancelTakesQueuedOperationsButCannotStopFileIoInTheKernel() throws Exception {
        try (AioContext notifier = AioContext.builder().queueDepth(1).completionEventFd(true).build();
                AioContext small = AioContext.builder().queueDepth(1).build();
                AioFile file = small.open(dir.resolve("cancel.bin"), StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE, AioOpenOption.DIRECT)) {
            await(file.write(filled(file.allocate(64 << 20), 9), 0)); // real blocks: reading them takes time
            // A poll that nothing will wake holds the only slot of the ring: every read below waits in the queue.
            CompletionStage<Integer> blocker = small.poll(notifier.completionEventFd().orElseThrow(), POLLIN);
            List<CompletionStage<Integer>> reads = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                reads.add(file.read(file.allocate(4096), (long) i * 4096));
            }
            CompletionStage<Integer> last = reads.remove(49);
            assertTrue(small.cancel(last), "a queued read is taken out of the queue");
            assertInstanceOf(CancellationException.class, TestFiles.failure(last));
            assertFalse(small.cancel(last), "already cancelled");

            assertTrue(small.cancel(blocker), "io_cancel can cancel a poll");
            assertInstanceOf(CancellationException.class, TestFiles.failure(blocker));
            for (CompletionStage<Integer> read : reads) {
                assertEquals(4096, await(read), "the ring is free again: the queued reads run");
            }

            // A read in the kernel: io_cancel cannot stop file I/O (EINVAL); the read runs to completion.
            CompletionStage<Integer> big = file.read(file.allocate(64 << 20), 0);
            assertFalse(small.cancel(big));
            assertEquals(64 << 20, await(big));
            assertFalse(small.cancel(new java.util.concurrent.CompletableFuture<Integer>()), "not one of ours");
        }
    }

    @Test
    void appendFlagWritesAtTheEnd() throws Exception {
        Path path = dir.resolve("append.bin");
        try (AioFile file = aio.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            MemorySegment abc = aio.allocate(3).copyFrom(MemorySegment.ofArray("abc".getBytes()));
            MemorySegment de = aio.allocate(2).copyFrom(MemorySegment.ofArray("de".getBytes()));
            assertEquals(3, await(file.write(abc, 0)));
            assertEquals(2, await(file.write(de, 0, RwFlags.APPEND.and(RwFlags.DSYNC))));
        }
        assertEquals("abcde", Files.readString(path));
    }

    /**
     * A buffered read of data that is not in the page cache would block in io_submit; with RWF_NOWAIT the kernel
     * answers EAGAIN instead, and the library retries without the flag on another thread: the caller gets the data.
     */
    @Test
    void nowaitReadOfUncachedDataIsRetriedAndReturnsTheData() throws Exception {
        Path path = dir.resolve("nowait.bin");
        try (AioFile direct = aio.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                AioOpenOption.DIRECT)) {
            await(direct.write(filled(direct.allocate(1 << 20), 6), 0)); // direct writes leave the page cache empty
        }
        long retriesBefore = aio.statistics().nowaitRetries();
        try (AioFile buffered = aio.open(path)) {
            MemorySegment buffer = aio.allocate(1 << 20);
            assertEquals(1 << 20, await(buffered.read(buffer, 0, RwFlags.NOWAIT)));
            assertEquals(6, buffer.get(ValueLayout.JAVA_BYTE, (1 << 20) - 1));
            assertEquals(1 << 20, await(buffered.read(buffer, 0, RwFlags.NOWAIT)), "now cached: no retry needed");
        }
        long retries = aio.statistics().nowaitRetries() - retriesBefore;
        System.out.println("RWF_NOWAIT retries: " + retries);
        assertTrue(retries >= 1, "the uncached read met EAGAIN and was retried");
    }

    static final int POLLIN = 1;

    /** A completion eventfd for the user's own loop, and IOCB_CMD_POLL on it: the one wakes the other. */
    @Test
    void pollOnTheCompletionEventFd() throws Exception {
        try (AioContext notifying = AioContext.builder().queueDepth(4).completionEventFd(true).build();
                AioFile file = notifying.open(dir.resolve("notify.bin"), StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE)) {
            int eventFd = notifying.completionEventFd().orElseThrow();
            assertTrue(aio.completionEventFd().isEmpty(), "off unless asked for");
            CompletionStage<Integer> ready = aio.poll(eventFd, POLLIN);
            Thread.sleep(50);
            assertFalse(ready.toCompletableFuture().isDone(), "nothing completed yet, nothing signalled");
            await(file.write(notifying.allocate(10), 0)); // a completion signals the eventfd
            assertEquals(POLLIN, await(ready) & POLLIN);
        }
        // Documented order: valid until close() returns, closed by then (its number may be reused afterwards).
        AioContext closing = AioContext.builder().queueDepth(4).completionEventFd(true).build();
        int fd = closing.completionEventFd().orElseThrow();
        Path link = Path.of("/proc/self/fd/" + fd);
        assertTrue(java.nio.file.Files.readSymbolicLink(link).toString().contains("eventfd"), "open while the context is");
        closing.close();
        assertTrue(!java.nio.file.Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                || !java.nio.file.Files.readSymbolicLink(link).toString().contains("eventfd"), "closed by close()");
    }

    /** io_cancel can cancel a poll, unlike file I/O. */
    @Test
    void pollCanBeCancelled() throws Exception {
        try (AioContext notifying = AioContext.builder().queueDepth(4).completionEventFd(true).build()) {
            CompletionStage<Integer> ready = aio.poll(notifying.completionEventFd().orElseThrow(), POLLIN);
            Thread.sleep(50);
            assertTrue(aio.cancel(ready), "io_cancel takes a pending poll");
            assertInstanceOf(CancellationException.class, TestFiles.failure(ready));
        }
    }

    /** The retry keeps the operation's file reference: closing the file right after submitting loses nothing. */
    @Test
    void nowaitRetrySurvivesClosingTheFileRightAfterSubmission() throws Exception {
        Path path = dir.resolve("nowait-close.bin");
        try (AioFile direct = aio.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                AioOpenOption.DIRECT)) {
            await(direct.write(filled(direct.allocate(1 << 20), 8), 0)); // not in the page cache
        }
        AioFile buffered = aio.open(path);
        MemorySegment buffer = aio.allocate(1 << 20);
        CompletionStage<Integer> read = buffered.read(buffer, 0, RwFlags.NOWAIT);
        buffered.close();
        assertEquals(1 << 20, await(read));
        assertEquals(8, buffer.get(ValueLayout.JAVA_BYTE, 12345));
    }

    @Test
    void completionEventFdIsClosedWithTheContext() throws Exception {
        long before = CloseTest.openDescriptors();
        for (int i = 0; i < 20; i++) {
            AioContext.builder().queueDepth(2).completionEventFd(true).build().close();
        }
        assertTrue(CloseTest.openDescriptors() <= before + 1, "descriptors: " + before + " -> "
                + CloseTest.openDescriptors());
    }
}
