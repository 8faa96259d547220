package io.quarkiverse.aio;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Real faults from a tiny FUSE file system (src/test/resources/faultfs.py, Debian's python3-fusepy and fuse3): reads
 * of chosen blocks fail with EIO, and every read of a slow file takes seconds. Needs root and /dev/fuse; skipped with
 * the reason where either is missing (.ci/run installs the packages).
 */
class FuseFaultsTest {

    static final int EIO_BLOCK = 3;
    static final double DELAY_SECONDS = 3;
    static Path dir, mount, normal;
    static Process fileSystem;

    @BeforeAll
    static void mount() throws Exception {
        dir = TestFiles.directory(FuseFaultsTest.class);
        Assumptions.assumeTrue(Files.exists(Path.of("/dev/fuse")), "no /dev/fuse on this machine");
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "mounting FUSE needs root here");
        Process probe = new ProcessBuilder("/usr/bin/python3", "-c", "import fusepy").redirectErrorStream(true).start();
        Assumptions.assumeTrue(probe.waitFor(30, TimeUnit.SECONDS) && probe.exitValue() == 0,
                "python3-fusepy is not installed (apt-get install fuse3 python3-fusepy)");
        mount = Files.createDirectories(dir.resolve("mnt"));
        Path script = Path.of(FuseFaultsTest.class.getResource("/faultfs.py").toURI());
        fileSystem = new ProcessBuilder("/usr/bin/python3", script.toString(), mount.toString(), "--eio",
                String.valueOf(EIO_BLOCK), "--delay", String.valueOf(DELAY_SECONDS))
                .redirectErrorStream(true).redirectOutput(dir.resolve("faultfs.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!Files.readString(Path.of("/proc/mounts")).contains(mount.toString())) {
            assertTrue(fileSystem.isAlive(), "faultfs exited: " + Files.readString(dir.resolve("faultfs.log")));
            assertTrue(System.nanoTime() < deadline, "faultfs did not mount within 20 s");
            Thread.sleep(50);
        }
        normal = dir.resolve("normal.bin");
        Files.write(normal, new byte[4096]);
    }

    @AfterAll
    static void unmount() throws Exception {
        if (fileSystem != null) {
            new ProcessBuilder("fusermount3", "-u", mount.toString()).start().waitFor(30, TimeUnit.SECONDS);
            fileSystem.destroy();
            fileSystem.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void eioFailsTheReadAndTheContextGoesOn() throws Exception {
        try (AioContext aio = AioContext.builder().build();
                AioFile file = aio.open(mount.resolve("data.bin"), StandardOpenOption.READ, AioOpenOption.DIRECT)) {
            MemorySegment buffer = file.allocate(4096);
            AioException e = assertInstanceOf(AioException.class,
                    TestFiles.failure(file.read(buffer, EIO_BLOCK * 4096L)));
            assertEquals("EIO", e.errnoName());
            assertTrue(e.getMessage().contains("I/O error"), e.getMessage());
            for (int block : new int[] { 0, 5, EIO_BLOCK + 1 }) {
                assertEquals(4096, TestFiles.await(file.read(buffer, block * 4096L)), "the context goes on");
                assertEquals((byte) block, buffer.get(ValueLayout.JAVA_BYTE, 4095));
            }
        }
    }

    /**
     * FUSE performs AIO reads inside io_submit (it does not take asynchronous direct I/O here), so a slow FUSE read
     * blocks its submitter for the whole delay: only its submitter. Other files' operations go on meanwhile.
     */
    @Test
    void aSlowFileHoldsOnlyItsSubmitter() throws Exception {
        try (AioContext aio = AioContext.builder().build();
                AioFile slow = aio.open(mount.resolve("slow.bin"), StandardOpenOption.READ, AioOpenOption.DIRECT);
                AioFile other = aio.open(normal, StandardOpenOption.READ, AioOpenOption.DIRECT)) {
            CompletableFuture<Integer> slowRead = CompletableFuture.supplyAsync(
                    () -> slow.read(slow.allocate(4096), 0).toCompletableFuture().join(), Thread::startVirtualThread);
            Thread.sleep(200); // the slow read's submitter is inside io_submit
            long start = System.nanoTime();
            for (int i = 0; i < 20; i++) {
                assertEquals(4096, TestFiles.await(other.read(other.allocate(4096), 0)));
            }
            long otherMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertFalse(slowRead.isDone(), "the slow read still takes its time");
            assertTrue(otherMillis < DELAY_SECONDS * 1000 / 2, "20 other reads took " + otherMillis + " ms");
            assertEquals(4096, slowRead.get(TestFiles.TIMEOUT_SECONDS, TimeUnit.SECONDS));
        }
    }

    /**
     * close() with a submitter blocked in io_submit for longer than the shutdown timeout: close() waits for it (the
     * context cannot be destroyed under a thread inside a system call on it) and keeps the result the kernel produced,
     * which was already in the completion ring when io_submit returned.
     */
    @Test
    void closeWaitsForABlockedSubmitterAndKeepsItsResult() throws Exception {
        AioContext aio = AioContext.builder().shutdownTimeout(Duration.ofSeconds(1)).build();
        AioFile slow = aio.open(mount.resolve("slow.bin"), StandardOpenOption.READ, AioOpenOption.DIRECT);
        MemorySegment buffer = slow.allocate(4096);
        CompletableFuture<CompletableFuture<Integer>> submitted = CompletableFuture.supplyAsync(
                () -> slow.read(buffer, 4096).toCompletableFuture(), Thread::startVirtualThread);
        Thread.sleep(300);
        long start = System.nanoTime();
        aio.close();
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        CompletableFuture<Integer> read = submitted.get(TestFiles.TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertTrue(read.isDone(), "complete when close() returns");
        assertEquals(4096, read.join(), "the kernel's result is kept");
        assertEquals(1, buffer.get(ValueLayout.JAVA_BYTE, 0), "block 1's bytes");
        assertTrue(millis >= 1_000 && millis < DELAY_SECONDS * 1000 + 2_000, "close() took " + millis + " ms");
    }
}
