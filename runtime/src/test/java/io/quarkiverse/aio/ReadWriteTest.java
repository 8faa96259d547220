package io.quarkiverse.aio;

import static io.quarkiverse.aio.TestFiles.await;
import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.sun.nio.file.ExtendedOpenOption;

/** Reads, writes and syncs through the real kernel, checked against what java.nio sees on disk. */
class ReadWriteTest {

    static Path dir;
    static AioContext aio;

    @BeforeAll
    static void start() throws Exception {
        dir = TestFiles.directory(ReadWriteTest.class);
        aio = AioContext.builder().queueDepth(32).build();
    }

    @AfterAll
    static void stop() {
        aio.close();
    }

    static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    @Test
    void directWriteThenReadRoundTrips() throws Throwable {
        Path path = dir.resolve("direct.bin");
        byte[] data = random(64 * 1024, 1);
        try (AioFile file = aio.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE,
                ExtendedOpenOption.DIRECT)) {
            assertTrue(file.isDirect());
            MemorySegment buf = file.allocate(data.length);
            MemorySegment.copy(data, 0, buf, ValueLayout.JAVA_BYTE, 0, data.length);
            assertEquals(data.length, await(file.write(buf, 0)));
            await(file.fsync());
            assertEquals(data.length, file.size());
            assertArrayEquals(data, Files.readAllBytes(path), "what the kernel wrote is on disk");

            MemorySegment in = file.allocate(data.length);
            assertEquals(data.length, await(file.read(in, 0)));
            assertArrayEquals(data, in.toArray(ValueLayout.JAVA_BYTE));
        }
    }

    @Test
    void bufferedReadSeesWhatJavaWrote() throws Throwable {
        Path path = dir.resolve("buffered.bin");
        byte[] data = random(10_000, 2);
        Files.write(path, data);
        try (AioFile file = aio.open(path)) {
            assertFalse(file.isDirect());
            MemorySegment buf = aio.allocate(3000);
            assertEquals(3000, await(file.read(buf, 1234)));
            assertArrayEquals(Arrays.copyOfRange(data, 1234, 4234), buf.toArray(ValueLayout.JAVA_BYTE));
        }
    }

    @Test
    void shortCountNearTheEndAndZeroPastIt() throws Throwable {
        Path path = dir.resolve("short.bin");
        Files.write(path, random(5000, 3));
        try (AioFile file = aio.open(path, ExtendedOpenOption.DIRECT)) {
            MemorySegment buf = file.allocate(8192);
            assertEquals(5000, await(file.read(buf, 0)), "short count near the end");
            assertEquals(5000 - 4096, await(file.read(buf.asSlice(0, 4096), 4096)));
            assertEquals(0, await(file.read(buf, 8192)), "0 at the end");
            assertEquals(0, await(file.read(buf, 1 << 30)), "0 past it");
        }
    }

    @Test
    void writesAtPositionsAndTruncate() throws Throwable {
        Path path = dir.resolve("positions.bin");
        try (AioFile file = aio.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            MemorySegment one = aio.allocate(3);
            one.copyFrom(MemorySegment.ofArray(new byte[] { 7, 8, 9 }));
            assertEquals(3, await(file.write(one, 10)));
            assertEquals(13, file.size());
            file.truncate(11);
            assertEquals(11, file.size());
            await(file.fsync());
        }
        byte[] expected = new byte[11];
        expected[10] = 7;
        assertArrayEquals(expected, Files.readAllBytes(path));
    }

    @Test
    void dsyncAndSyncFilesWrite() throws Throwable {
        for (StandardOpenOption sync : new StandardOpenOption[] { StandardOpenOption.DSYNC, StandardOpenOption.SYNC }) {
            Path path = dir.resolve("sync-" + sync + ".bin");
            try (AioFile file = aio.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, sync,
                    ExtendedOpenOption.DIRECT)) {
                MemorySegment buf = file.allocate(4096);
                buf.fill((byte) 42);
                assertEquals(4096, await(file.write(buf, 4096)));
            }
            assertEquals(8192, Files.size(path));
            assertEquals(42, Files.readAllBytes(path)[4096]);
        }
    }

    @Test
    void truncateExistingEmptiesTheFile() throws Throwable {
        Path path = dir.resolve("truncate-existing.bin");
        Files.write(path, random(100, 4));
        try (AioFile file = aio.open(path, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            assertEquals(0, file.size());
        }
    }

    @Test
    void ownDirectOptionEqualsTheJdkOne() throws Throwable {
        try (AioFile file = aio.open(dir.resolve("own-direct.bin"), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                AioOpenOption.DIRECT)) {
            assertTrue(file.isDirect());
            assertThrows(AioAlignmentException.class, () -> file.write(aio.allocate(100), 0));
        }
    }

    @Test
    void directIoAlignmentIsDiscovered() throws Throwable {
        try (AioFile file = aio.open(dir.resolve("align.bin"), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                ExtendedOpenOption.DIRECT)) {
            assertTrue(file.memoryAlignment() > 0 && Integer.bitCount(file.memoryAlignment()) == 1);
            assertTrue(file.offsetAlignment() >= 512 && Integer.bitCount(file.offsetAlignment()) == 1);
            MemorySegment buf = file.allocate(100);
            assertEquals(0, buf.address() % file.memoryAlignment());
            assertEquals(0, buf.address() % file.offsetAlignment());
        }
    }
}
