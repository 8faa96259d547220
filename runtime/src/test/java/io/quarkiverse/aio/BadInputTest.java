package io.quarkiverse.aio;

import static io.quarkiverse.aio.TestFiles.await;
import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import com.sun.nio.file.ExtendedOpenOption;

/**
 * Arguments the library can judge before the kernel sees them are refused with a typed exception that names the
 * problem, and the context keeps working afterwards (checked after every test).
 */
class BadInputTest {

    static Path dir;
    static AioContext aio;
    static AioFile direct;

    @BeforeAll
    static void start() throws Throwable {
        dir = TestFiles.directory(BadInputTest.class);
        aio = AioContext.builder().queueDepth(8).build();
        direct = aio.open(dir.resolve("direct.bin"), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT);
        await(direct.write(direct.allocate(8192), 0));
    }

    @AfterAll
    static void stop() {
        direct.close();
        aio.close();
    }

    @AfterEach
    void contextStillWorks() throws Throwable {
        MemorySegment buf = direct.allocate(4096);
        assertEquals(4096, await(direct.read(buf, 4096)));
    }

    static <T extends Throwable> T refused(Class<T> type, String messagePart, Executable call) {
        T e = assertThrows(type, call);
        assertTrue(e.getMessage().contains(messagePart), () -> "message '" + e.getMessage() + "' lacks '" + messagePart + "'");
        return e;
    }

    @Test
    void heapSegment() {
        refused(IllegalArgumentException.class, "heap segment",
                () -> direct.read(MemorySegment.ofArray(new byte[4096]), 0));
    }

    @Test
    void misalignedAddressUnderDirect() {
        MemorySegment buf = direct.allocate(8192);
        AioAlignmentException e = refused(AioAlignmentException.class, "address", () -> direct.read(buf.asSlice(1, 4096), 0));
        assertEquals(direct.memoryAlignment(), e.requiredAlignment());
    }

    @Test
    void misalignedLengthUnderDirect() {
        refused(AioAlignmentException.class, "length 100", () -> direct.write(direct.allocate(100), 0));
    }

    @Test
    void misalignedPositionUnderDirect() {
        refused(AioAlignmentException.class, "position 7", () -> direct.read(direct.allocate(4096), 7));
    }

    @Test
    void negativePosition() {
        refused(IllegalArgumentException.class, "negative position", () -> direct.read(direct.allocate(4096), -4096));
    }

    @Test
    void overflowingPosition() {
        refused(IllegalArgumentException.class, "overflows",
                () -> direct.read(direct.allocate(8192), Long.MAX_VALUE - 4095));
    }

    @Test
    void readIntoReadOnlySegment() {
        refused(IllegalArgumentException.class, "read-only", () -> direct.read(direct.allocate(4096).asReadOnly(), 0));
    }

    @Test
    void segmentOfAClosedArena() {
        MemorySegment buf;
        try (Arena arena = Arena.ofConfined()) {
            buf = arena.allocate(4096, 4096);
        }
        refused(IllegalStateException.class, "arena", () -> direct.read(buf, 0));
    }

    @Test
    void lengthBeyondOneIocb() {
        MemorySegment huge = MemorySegment.NULL.reinterpret(1L << 32); // never touched: refused before use
        refused(IllegalArgumentException.class, "at most", () -> direct.read(huge, 0));
    }

    @Test
    void writeToFileOpenedForReading() throws Exception {
        try (AioFile file = aio.open(dir.resolve("direct.bin"))) {
            refused(IllegalStateException.class, "without WRITE", () -> file.write(aio.allocate(10), 0));
        }
    }

    @Test
    void readFromFileOpenedForWriting() throws Exception {
        try (AioFile file = aio.open(dir.resolve("direct.bin"), StandardOpenOption.WRITE)) {
            refused(IllegalStateException.class, "without READ", () -> file.read(aio.allocate(10), 0));
        }
    }

    @Test
    void closedFile() throws Exception {
        AioFile file = aio.open(dir.resolve("direct.bin"));
        file.close();
        assertFalse(file.isOpen());
        Throwable e = TestFiles.failure(file.read(aio.allocate(10), 0));
        assertInstanceOf(AioClosedException.class, e);
        assertTrue(e.getMessage().contains("is closed"), e.getMessage());
        assertThrows(AioClosedException.class, file::size);
        file.close(); // idempotent
    }

    @Test
    void closedContext() throws Exception {
        AioContext other = AioContext.builder().queueDepth(4).build();
        AioFile file = other.open(dir.resolve("direct.bin"));
        other.close();
        assertFalse(other.isOpen());
        assertFalse(file.isOpen(), "closing the context closes its files");
        assertInstanceOf(AioClosedException.class, TestFiles.failure(file.read(other.allocate(10), 0)));
        refused(AioClosedException.class, "closed", () -> other.open(dir.resolve("direct.bin")));
        other.close(); // idempotent
    }

    @Test
    void directory() {
        AioException e = refused(AioException.class, "directory", () -> aio.open(dir));
        assertEquals("EISDIR", e.errnoName());
        refused(AioException.class, "directory", () -> aio.open(dir, StandardOpenOption.WRITE));
    }

    @Test
    void missingFile() {
        refused(NoSuchFileException.class, "missing.bin", () -> aio.open(dir.resolve("missing.bin")));
    }

    @Test
    void createNewOnExistingFile() {
        refused(FileAlreadyExistsException.class, "direct.bin",
                () -> aio.open(dir.resolve("direct.bin"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
    }

    @Test
    void unsupportedOptions() {
        refused(UnsupportedOperationException.class, "APPEND",
                () -> aio.open(dir.resolve("x"), StandardOpenOption.APPEND));
        refused(UnsupportedOperationException.class, "DELETE_ON_CLOSE",
                () -> aio.open(dir.resolve("x"), StandardOpenOption.DELETE_ON_CLOSE));
        refused(UnsupportedOperationException.class, "not supported",
                () -> aio.open(dir.resolve("x"), ExtendedOpenOption.NOSHARE_READ));
    }

    @Test
    void noFollowLinksRefusesASymlink() throws Exception {
        Path link = dir.resolve("link.bin");
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, dir.resolve("direct.bin"));
        AioException e = refused(AioException.class, "link.bin", () -> aio.open(link, LinkOption.NOFOLLOW_LINKS));
        assertEquals("ELOOP", e.errnoName());
        aio.open(link).close(); // followed without the option
    }

    @Test
    void permissionDenied() throws Exception {
        Path path = dir.resolve("no-permission.bin");
        Files.write(path, new byte[1]);
        path.toFile().setReadable(false, false);
        path.toFile().setWritable(false, false);
        // Root ignores permission bits, not the immutable attribute: open for writing then fails with EPERM.
        boolean immutable = Files.isWritable(path)
                && new ProcessBuilder("chattr", "+i", path.toString()).start().waitFor() == 0;
        org.junit.jupiter.api.Assumptions.assumeTrue(!Files.isWritable(path) || immutable,
                "neither permission bits nor chattr +i apply here");
        try {
            refused(AccessDeniedException.class, "no-permission.bin", () -> aio.open(path, StandardOpenOption.WRITE));
        } finally {
            if (immutable) {
                new ProcessBuilder("chattr", "-i", path.toString()).start().waitFor();
            }
        }
    }

    /**
     * tmpfs refused O_DIRECT until Linux 6.6; newer kernels accept it. Either way the answer must be clear: a
     * refusal that names O_DIRECT and tmpfs, or a file that really does direct I/O with the alignment statx gives.
     */
    @Test
    void directIoOnTmpfsWorksOrIsRefusedWithTheReason() throws Throwable {
        Path shm = Path.of("/dev/shm");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(shm) && Files.isWritable(shm),
                "/dev/shm (tmpfs) is not available here");
        Path path = shm.resolve("quarkus-aio-bad-input-" + ProcessHandle.current().pid());
        try {
            AioFile file;
            try {
                file = aio.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE,
                        ExtendedOpenOption.DIRECT);
            } catch (AioException refused) {
                assertTrue(refused.getMessage().contains("O_DIRECT") && refused.getMessage().contains("tmpfs"),
                        refused.getMessage());
                return;
            }
            try (file) {
                MemorySegment buf = file.allocate(file.offsetAlignment());
                buf.fill((byte) 5);
                assertEquals(file.offsetAlignment(), await(file.write(buf, 0)));
                assertEquals(5, Files.readAllBytes(path)[0]);
            }
        } finally {
            Files.deleteIfExists(path);
        }
    }

    /** Contexts are opened until the system-wide limit is reached (the kernel counts each at twice its depth). */
    @Test
    void ioSetupBeyondTheSystemLimitNamesTheSysctl() throws Exception {
        long max = Long.parseLong(Files.readAllLines(Path.of("/proc/sys/fs/aio-max-nr")).get(0).trim());
        int depth = (int) Math.min(AioContext.Builder.MAX_QUEUE_DEPTH, Math.max(1, max / 2));
        java.util.List<AioContext> held = new java.util.ArrayList<>();
        try {
            AioUnavailableException e = null;
            for (int i = 0; i < 64 && e == null; i++) {
                try {
                    held.add(AioContext.builder().queueDepth(depth).build());
                } catch (AioUnavailableException refused) {
                    e = refused;
                }
            }
            assertNotNull(e, "fs.aio-max-nr = " + max + " was never reached");
            assertEquals("EAGAIN", e.errnoName());
            assertTrue(e.getMessage().contains("fs.aio-max-nr"), e.getMessage());
            assertTrue(e.getMessage().contains("quarkus.aio.queue-depth"), e.getMessage());
        } finally {
            held.forEach(AioContext::close);
        }
    }
    @Test
    void pathOfAnotherFileSystem() throws Exception {
        Path zip = dir.resolve("fs.zip");
        Files.deleteIfExists(zip);
        try (var zipfs = java.nio.file.FileSystems.newFileSystem(zip, java.util.Map.of("create", "true"))) {
            refused(IllegalArgumentException.class, "default file system", () -> aio.open(zipfs.getPath("/x")));
        }
    }

    @Test
    void nullArguments() {
        assertThrows(NullPointerException.class, () -> direct.read((MemorySegment) null, 0));
        assertThrows(NullPointerException.class, () -> direct.read((MemorySegment[]) null, 0));
        assertThrows(NullPointerException.class, () -> aio.open(null));
        assertThrows(NullPointerException.class, () -> aio.open(dir.resolve("direct.bin"), (java.nio.file.OpenOption) null));
    }

    @Test
    void negativeTruncate() {
        refused(IllegalArgumentException.class, "negative size", () -> direct.truncate(-1));
    }

    @Test
    void truncateOfFileOpenedForReading() throws Exception {
        try (AioFile file = aio.open(dir.resolve("direct.bin"))) {
            refused(IllegalStateException.class, "without WRITE", () -> file.truncate(0));
        }
    }

    @Test
    void fsyncOfClosedFile() throws Exception {
        AioFile file = aio.open(dir.resolve("direct.bin"), StandardOpenOption.WRITE);
        file.close();
        assertInstanceOf(AioClosedException.class, TestFiles.failure(file.fsync()));
    }

    @Test
    void missingDirectory() {
        refused(NoSuchFileException.class, "no-such-dir", () -> aio.open(dir.resolve("no-such-dir/f"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE));
    }

    @Test
    void createWithoutWriteIsIgnoredAsFileChannelDoes() {
        refused(NoSuchFileException.class, "created-read-only", () -> aio.open(dir.resolve("created-read-only"),
                StandardOpenOption.CREATE, StandardOpenOption.READ));
    }

    @Test
    void nameTooLong() {
        AioException e = refused(AioException.class, "ENAMETOOLONG", () -> aio.open(dir.resolve("n".repeat(300)),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE));
        assertEquals("open", e.call());
    }

    @Test
    void characterDevice() {
        refused(AioException.class, "not a regular file", () -> aio.open(Path.of("/dev/null"),
                StandardOpenOption.READ, StandardOpenOption.WRITE));
    }

    @Test
    void namedPipe() throws Exception {
        Path fifo = dir.resolve("fifo");
        Files.deleteIfExists(fifo);
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertTrue(mkfifo.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) && mkfifo.exitValue() == 0, "mkfifo");
        // Opened for reading alone, open(2) would block until a writer came: the type is checked first.
        refused(AioException.class, "not a regular file", () -> aio.open(fifo));
        refused(AioException.class, "not a regular file", () -> aio.open(fifo, StandardOpenOption.READ,
                StandardOpenOption.WRITE));
    }

    @Test
    void writeBeyondTheLargestFileSizeIsAKernelErrorWithErrno() throws Exception {
        Throwable e = TestFiles.failure(direct.write(direct.allocate(4096), 1L << 60));
        AioException aio = assertInstanceOf(AioException.class, e);
        assertTrue(aio.errnoName().equals("EFBIG") || aio.errnoName().equals("EINVAL"), aio.getMessage());
        assertTrue(aio.getMessage().contains("position " + (1L << 60)), aio.getMessage());
    }

    @Test
    void zeroLengthTransfersAreNoOps() throws Throwable {
        assertEquals(0, await(direct.read(direct.allocate(0), 0)));
        assertEquals(0, await(direct.write(direct.allocate(0), 4096)));
    }

    @Test
    void negativeAllocation() {
        assertThrows(IllegalArgumentException.class, () -> direct.allocate(-1));
        assertThrows(IllegalArgumentException.class, () -> aio.allocate(-1));
    }

    @Test
    void queueDepthOutOfRange() {
        refused(IllegalArgumentException.class, "queueDepth", () -> AioContext.builder().queueDepth(0));
        refused(IllegalArgumentException.class, "queueDepth",
                () -> AioContext.builder().queueDepth(AioContext.Builder.MAX_QUEUE_DEPTH + 1));
    }

    @Test
    void misalignedSliceOfAnAlignedBuffer() {
        MemorySegment buf = direct.allocate(3 * 4096);
        long offset = Math.max(1, direct.memoryAlignment() / 2);
        refused(AioAlignmentException.class, "address", () -> direct.write(buf.asSlice(offset, 4096), 0));
    }
}
