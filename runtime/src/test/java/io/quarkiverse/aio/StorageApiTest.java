package io.quarkiverse.aio;

import static io.quarkiverse.aio.TestFiles.await;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What a storage engine needs beyond plain reads and writes: ByteBuffers, back-pressure, file modes, locks, zeroing,
 * closing without blocking and per-file figures. The untorn and uncached flags are in {@link WriteFlagsTest}.
 */
class StorageApiTest {

    static final int BLOCK = 4096;
    static final int POLLIN = 1;
    static final Set<StandardOpenOption> CREATE_RW = Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ,
            StandardOpenOption.WRITE);

    final Path dir = TestFiles.directory(StorageApiTest.class);

    enum Backend {
        LINUX_AIO,
        THREAD_POOL;

        AioContext.Builder builder() {
            AioContext.Builder builder = AioContext.builder().queueDepth(8);
            return this == THREAD_POOL ? builder.fallback(AioFallback.FORCED_THREAD_POOL) : builder;
        }
    }

    static ByteBuffer alignedDirect(int size) {
        return ByteBuffer.allocateDirect(size + BLOCK).alignedSlice(BLOCK).limit(size);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void byteBuffersMoveTheirPositionByWhatWasTransferred(Backend backend) throws Exception {
        try (AioContext aio = backend.builder().build();
                AioFile file = aio.open(dir.resolve("buffers-" + backend + ".bin"), StandardOpenOption.CREATE,
                        StandardOpenOption.READ, StandardOpenOption.WRITE, AioOpenOption.DIRECT)) {
            ByteBuffer direct = alignedDirect(2 * BLOCK);
            for (int i = 0; i < direct.limit(); i++) {
                direct.put(i, (byte) (i * 7 + 1));
            }
            assertEquals(2 * BLOCK, await(file.write(direct, 0)));
            assertEquals(2 * BLOCK, direct.position(), "the position moved by the bytes written");

            // A heap buffer under O_DIRECT goes through library memory: only the file position must be aligned.
            ByteBuffer heap = ByteBuffer.allocate(3 * BLOCK).position(5).limit(5 + 2 * BLOCK);
            assertEquals(BLOCK, await(file.read(heap, BLOCK)), "a short read: the file ends after one block");
            assertEquals(5 + BLOCK, heap.position());
            for (int i = 0; i < BLOCK; i++) {
                assertEquals((byte) ((BLOCK + i) * 7 + 1), heap.get(5 + i), "byte " + i);
            }
            assertEquals(0, heap.get(4), "nothing written before the buffer's position");
            assertEquals(0, heap.get(5 + BLOCK), "nothing written past what was read");
            assertEquals(0, await(file.read(heap.position(5), 2 * BLOCK)), "0 at the end of the file");
            assertEquals(5, heap.position());

            // A heap buffer written: its bytes are taken at once; the position moves at completion.
            ByteBuffer text = ByteBuffer.wrap(new byte[BLOCK]).put(0, "journal".getBytes(StandardCharsets.US_ASCII));
            CompletionStage<Integer> written = file.write(text, 2 * BLOCK);
            text.put(0, "JOURNAL".getBytes(StandardCharsets.US_ASCII)); // reused at once: the write took a copy
            assertEquals(BLOCK, await(written));
            assertFalse(text.hasRemaining());
            ByteBuffer back = alignedDirect(BLOCK);
            assertEquals(BLOCK, await(file.read(back, 2 * BLOCK)));
            assertEquals("journal", StandardCharsets.US_ASCII.decode(back.flip().limit(7)).toString());

            assertThrows(IllegalArgumentException.class, () -> file.read(ByteBuffer.allocate(BLOCK).asReadOnlyBuffer(), 0),
                    "the kernel cannot read into a read-only buffer");
            ByteBuffer misaligned = alignedDirect(2 * BLOCK).position(1).limit(1 + BLOCK);
            if (backend == Backend.LINUX_AIO) {
                AioAlignmentException e = assertThrows(AioAlignmentException.class, () -> file.read(misaligned, 0));
                assertTrue(e.getMessage().contains("is not a multiple of"), e.getMessage());
            }
            assertThrows(AioAlignmentException.class, () -> file.write(ByteBuffer.allocate(BLOCK), 1),
                    "an unaligned file position under O_DIRECT");
            assertEquals(BLOCK, await(file.read(alignedDirect(BLOCK), 0)), "still usable");
        }
    }

    @Test
    void pastMaxQueuedAnOperationFailsAtOnceAndQueueRoomSaysWhenToGoOn() throws Exception {
        try (AioContext notifier = AioContext.builder().queueDepth(1).completionEventFd(true).build();
                AioContext aio = AioContext.builder().queueDepth(1).maxQueued(2).build();
                AioFile file = aio.open(dir.resolve("queued.bin"), CREATE_RW)) {
            assertEquals(2, aio.settings().maxQueued());
            // A poll that nothing wakes holds the only slot of the ring: the writes below wait in the Java queue.
            CompletionStage<Integer> blocker = aio.poll(notifier.completionEventFd().orElseThrow(), POLLIN);
            CompletionStage<Integer> first = file.write(aio.allocate(BLOCK), 0);
            CompletionStage<Integer> second = file.write(aio.allocate(BLOCK), BLOCK);
            assertEquals(2, aio.statistics().queued());
            assertEquals(2, file.statistics().queued());
            AioQueueFullException full = assertInstanceOf(AioQueueFullException.class,
                    TestFiles.failure(file.write(aio.allocate(BLOCK), 2 * BLOCK)));
            assertTrue(full.getMessage().contains("quarkus.aio.max-queued = 2"), full.getMessage());
            CompletionStage<Void> room = aio.queueRoom();
            assertFalse(room.toCompletableFuture().isDone(), "no room while both wait");

            assertTrue(aio.cancel(blocker));
            await(room);
            assertEquals(BLOCK, await(first));
            assertEquals(BLOCK, await(second));
            assertTrue(aio.queueRoom().toCompletableFuture().isDone(), "room at once when nothing waits");
            assertEquals(BLOCK, await(file.write(aio.allocate(BLOCK), 2 * BLOCK)), "the context stays usable");
            assertEquals(2 * BLOCK + BLOCK, file.size());
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void createdFilesGetTheModeAsked(Backend backend) throws Exception {
        Path journal = dir.resolve("journal-" + backend + ".log");
        FileAttribute<?> ownerOnly = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
        try (AioContext aio = backend.builder().build()) {
            try (AioFile file = aio.open(journal, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    ownerOnly)) {
                assertEquals(3, await(file.write(aio.allocate(3), 0)));
            }
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(journal)));

            Path other = dir.resolve("acl-" + backend + ".log");
            FileAttribute<String> acl = new FileAttribute<>() {
                public String name() {
                    return "acl:acl";
                }

                public String value() {
                    return "";
                }
            };
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> aio.open(other, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), acl));
            assertTrue(e.getMessage().contains("acl:acl"), e.getMessage());
            assertFalse(Files.exists(other), "nothing created");
        }
    }

    /** Whether another process can take a POSIX lock on the file now (Python's lockf is fcntl F_SETLK). */
    static boolean anotherProcessCanLock(Path path) throws Exception {
        Process child = new ProcessBuilder("/usr/bin/python3", "-c", """
                import fcntl, sys
                f = open(sys.argv[1], 'r+')
                try:
                    fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    print('locked')
                except OSError:
                    print('held')
                """, path.toString()).redirectErrorStream(true).start();
        assertTrue(child.waitFor(TestFiles.TIMEOUT_SECONDS, TimeUnit.SECONDS), "python3 did not finish");
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(out.equals("locked") || out.equals("held"), out);
        return out.equals("locked");
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void tryLockKeepsOtherProcessesOutUntilReleased(Backend backend) throws Exception {
        Path path = dir.resolve("locked-" + backend + ".bin");
        try (AioContext aio = backend.builder().build()) {
            try (AioFile file = aio.open(path, CREATE_RW); AioFile again = aio.open(path, CREATE_RW)) {
                assertTrue(anotherProcessCanLock(path), "nobody holds it yet");
                AioFileLock lock = file.tryLock();
                assertNotNull(lock);
                assertTrue(lock.isValid());
                assertFalse(anotherProcessCanLock(path), "another process is kept out");
                assertNull(again.tryLock(), "another open of the file in this process is kept out too");
                lock.close();
                assertFalse(lock.isValid());
                assertTrue(anotherProcessCanLock(path), "released by closing the lock");
                lock.close(); // idempotent

                AioFileLock second = again.tryLock();
                assertNotNull(second, "free again");
                assertFalse(anotherProcessCanLock(path));
                again.close();
                assertFalse(second.isValid());
                assertTrue(anotherProcessCanLock(path), "released by closing the file");
                second.close(); // after the file: nothing happens
            }
        }
    }

    @Test
    void zeroRangeKeepsTheBlocksAndGrowsTheFile() throws Exception {
        try (AioContext aio = AioContext.builder().queueDepth(8).build();
                AioFile file = aio.open(dir.resolve("zero.bin"), StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE, AioOpenOption.DIRECT)) {
            MemorySegment data = file.allocate(16 * BLOCK).fill((byte) 0x55);
            assertEquals(16 * BLOCK, await(file.write(data, 0)));
            await(file.zeroRange(4 * BLOCK, 2 * BLOCK));
            assertEquals(1, file.statistics().writes(), "fallocate zeroed it: no writes of zeros");
            MemorySegment back = file.allocate(16 * BLOCK);
            assertEquals(16 * BLOCK, await(file.read(back, 0)));
            for (long i = 0; i < back.byteSize(); i++) {
                byte expected = i >= 4 * BLOCK && i < 6 * BLOCK ? 0 : (byte) 0x55;
                assertEquals(expected, back.get(ValueLayout.JAVA_BYTE, i), "byte " + i);
            }
            await(file.zeroRange(32 * BLOCK, 8 * BLOCK));
            assertEquals(40 * BLOCK, file.size(), "the file grew to the end of the range");
            AioAlignmentException e = assertThrows(AioAlignmentException.class, () -> file.zeroRange(1, BLOCK));
            assertTrue(e.getMessage().contains("multiples of"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> file.zeroRange(0, 0));
        }
    }

    /** tmpfs has no FALLOC_FL_ZERO_RANGE (EOPNOTSUPP): the zeros are written. Deliberately not under target/. */
    @Test
    void zeroRangeWritesZerosWhereTheFileSystemCannot() throws Exception {
        Path shm = Path.of("/dev/shm");
        Assumptions.assumeTrue(Files.isDirectory(shm) && Files.isWritable(shm), "no /dev/shm here");
        Path path = Files.createTempFile(shm, "aio-zero", ".bin");
        try (AioContext aio = AioContext.builder().queueDepth(8).build();
                AioFile file = aio.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            MemorySegment data = aio.allocate(3 << 20).fill((byte) 0x66);
            assertEquals(3 << 20, await(file.write(data, 0)));
            await(file.zeroRange(1000, (2 << 20) + 500)); // more than one 1 MiB chunk, unaligned ends
            assertTrue(file.statistics().writes() >= 1 + 3, "written as zeros: " + file.statistics());
            MemorySegment back = aio.allocate(3 << 20);
            assertEquals(3 << 20, await(file.read(back, 0)));
            for (long i = 0; i < back.byteSize(); i++) {
                byte expected = i >= 1000 && i < 1000 + (2 << 20) + 500 ? 0 : (byte) 0x66;
                if (back.get(ValueLayout.JAVA_BYTE, i) != expected) {
                    fail("byte " + i + " is " + back.get(ValueLayout.JAVA_BYTE, i));
                }
            }
        } finally {
            Files.deleteIfExists(path);
        }
    }

    static long descriptorsOf(Path path) throws IOException {
        long count = 0;
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    if (Files.readSymbolicLink(fd).equals(path)) {
                        count++;
                    }
                } catch (IOException gone) {
                    // closed while listed
                }
            }
        }
        return count;
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void closeAsyncCompletesOnceTheDescriptorIsClosed(Backend backend) throws Exception {
        Path path = dir.resolve("close-async-" + backend + ".bin");
        AioContext aio = backend.builder().build();
        long ringsBefore = TestFiles.aioRings();
        AioFile file = aio.open(path, CREATE_RW);
        assertEquals(1, descriptorsOf(path));
        List<CompletionStage<Integer>> writes = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            writes.add(file.write(aio.allocate(BLOCK).fill((byte) i), (long) i * BLOCK));
        }
        CompletionStage<Void> closed = file.closeAsync();
        assertFalse(file.isOpen(), "closed to new operations at once");
        await(closed);
        assertEquals(0, descriptorsOf(path), "the descriptor is gone when the stage completes");
        for (CompletionStage<Integer> write : writes) {
            assertEquals(BLOCK, await(write), "every operation accepted before the close ran to the end");
        }
        assertEquals(32 * BLOCK, Files.size(path));
        await(file.closeAsync()); // again: already closed

        CompletionStage<Void> contextClosed = aio.closeAsync();
        await(contextClosed);
        assertThrows(AioClosedException.class, () -> aio.open(path, CREATE_RW));
        if (backend == Backend.LINUX_AIO) {
            assertEquals(ringsBefore - 1, TestFiles.aioRings(), "the kernel context is destroyed");
        }
        await(aio.closeAsync());
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void eachFileCountsItsOwnOperations(Backend backend) throws Exception {
        try (AioContext aio = backend.builder().build();
                AioFile a = aio.open(dir.resolve("stats-a-" + backend + ".bin"), CREATE_RW);
                AioFile b = aio.open(dir.resolve("stats-b-" + backend + ".bin"), CREATE_RW)) {
            assertEquals(new AioFileStatistics(0, 0, 0, 0, 0, 0, 0, 0), a.statistics());
            assertEquals(100, await(a.write(aio.allocate(100), 0)));
            assertEquals(50, await(a.write(ByteBuffer.allocate(50), 100)));
            assertEquals(150, await(a.read(aio.allocate(4096), 0)), "short: the file has 150 bytes");
            await(a.fsync());
            assertEquals(7, await(b.write(aio.allocate(7), 0)));
            assertEquals(new AioFileStatistics(1, 2, 1, 150, 150, 0, 0, 0), a.statistics());
            assertEquals(new AioFileStatistics(0, 1, 0, 0, 7, 0, 0, 0), b.statistics());
        }
    }

    @Test
    void failuresAreCountedForTheirFile() throws Exception {
        try (AioContext notifier = AioContext.builder().queueDepth(1).completionEventFd(true).build();
                AioContext aio = AioContext.builder().queueDepth(1).build();
                AioFile file = aio.open(dir.resolve("stats-failures.bin"), CREATE_RW)) {
            CompletionStage<Integer> blocker = aio.poll(notifier.completionEventFd().orElseThrow(), POLLIN);
            CompletionStage<Integer> queued = file.read(aio.allocate(BLOCK), 0);
            AioFileStatistics waiting = file.statistics();
            assertEquals(1, waiting.inFlight());
            assertEquals(1, waiting.queued());
            assertTrue(aio.cancel(queued));
            assertTrue(aio.cancel(blocker));
            TestFiles.failure(queued);
            TestFiles.failure(blocker);
            assertEquals(new AioFileStatistics(1, 0, 0, 0, 0, 1, 0, 0), file.statistics());
        }
    }
}
