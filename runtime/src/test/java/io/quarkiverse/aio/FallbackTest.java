package io.quarkiverse.aio;

import static io.quarkiverse.aio.TestFiles.await;
import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;


/** The thread-pool fallback, forced on Linux: the same API and the same errors, without Linux AIO. */
class FallbackTest {

    @Test
    void fallbackOnlyWhereAioIsMissing() throws Exception {
        try (AioContext aio = AioContext.builder().fallback(AioFallback.THREAD_POOL).build()) {
            assertEquals("linux-aio", aio.statistics().backend(), "Linux AIO works here: no fallback");
        }
    }

    /** fs.aio-max-nr exhausted is a limit to raise: the fallback must not hide it behind a slower context. */
    @Test
    void anExhaustedAioLimitIsNotHiddenByTheFallback() throws Exception {
        long max = Long.parseLong(Files.readAllLines(Path.of("/proc/sys/fs/aio-max-nr")).get(0).trim());
        int depth = (int) Math.min(AioContext.Builder.MAX_QUEUE_DEPTH, Math.max(1, max / 2));
        java.util.List<AioContext> held = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 64; i++) {
                try {
                    held.add(AioContext.builder().queueDepth(depth).build());
                } catch (AioUnavailableException full) {
                    break;
                }
            }
            AioUnavailableException e = assertThrows(AioUnavailableException.class,
                    () -> AioContext.builder().queueDepth(depth).fallback(AioFallback.THREAD_POOL).build());
            assertEquals("EAGAIN", e.errnoName());
            assertTrue(e.getMessage().contains("fs.aio-max-nr"), e.getMessage());
        } finally {
            held.forEach(AioContext::close);
        }
    }

    /** truncate works on the open file, never on whatever the path names now. */
    @Test
    void truncateNeverReopensThePath() throws Exception {
        Path dir = TestFiles.directory(FallbackTest.class).resolve("truncate");
        Files.createDirectories(dir);
        for (boolean direct : new boolean[] { false, true }) {
            Path path = dir.resolve("f-" + direct + ".bin");
            Path other = dir.resolve("other-" + direct + ".bin");
            try (AioContext aio = AioContext.builder().fallback(AioFallback.FORCED_THREAD_POOL).build();
                    AioFile file = direct
                            ? aio.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                                    StandardOpenOption.WRITE, AioOpenOption.DIRECT)
                            : aio.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                                    StandardOpenOption.WRITE)) {
                MemorySegment block = file.allocate(4096);
                block.fill((byte) 7);
                assertEquals(4096, await(file.write(block, 0)));
                Files.write(other, new byte[] { 1, 2, 3 });
                Files.move(other, path, java.nio.file.StandardCopyOption.REPLACE_EXISTING); // renamed over it
                file.truncate(10_000);
                assertEquals(10_000, file.size(), "the open file grew");
                assertArrayEquals(new byte[] { 1, 2, 3 }, Files.readAllBytes(path), "the new file is untouched");
                MemorySegment back = file.allocate(8192);
                assertEquals(8192, await(file.read(back, 0)));
                assertEquals(7, back.get(ValueLayout.JAVA_BYTE, 4095), "the data before the old end is kept");
                assertEquals(0, back.get(ValueLayout.JAVA_BYTE, 8191), "zeros after it");
                file.truncate(100);
                assertEquals(100, file.size());
            }
        }
    }

    /** size() and truncate() racing close(): a value or AioClosedException, never a ClosedChannelException. */
    @Test
    void sizeAndTruncateRaceCloseCleanly() throws Exception {
        Path path = TestFiles.directory(FallbackTest.class).resolve("race.bin");
        try (AioContext aio = AioContext.builder().fallback(AioFallback.FORCED_THREAD_POOL).build()) {
            for (int round = 0; round < 200; round++) {
                AioFile file = aio.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                Thread closer = Thread.ofPlatform().start(file::close);
                for (int i = 0; i < 20; i++) {
                    try {
                        file.truncate(i);
                        assertTrue(file.size() >= 0);
                    } catch (AioClosedException expected) {
                        break;
                    }
                }
                closer.join(TimeUnit.SECONDS.toMillis(TestFiles.TIMEOUT_SECONDS));
            }
        }
    }

    @Test
    void forcedFallbackServesTheSameApi() throws Exception {
        Path dir = TestFiles.directory(FallbackTest.class);
        try (AioContext aio = AioContext.builder().fallback(AioFallback.FORCED_THREAD_POOL).queueDepth(8).build()) {
            assertEquals("thread-pool", aio.statistics().backend());
            Path path = dir.resolve("fallback.bin");
            try (AioFile file = aio.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE, AioOpenOption.DIRECT)) {
                MemorySegment out = file.allocate(8192);
                out.fill((byte) 4);
                assertEquals(8192, await(file.write(out, 0)));
                assertThrows(AioAlignmentException.class, () -> file.write(file.allocate(8192).asSlice(1, 4096), 0));
                assertThrows(IllegalArgumentException.class,
                        () -> file.read(MemorySegment.ofArray(new byte[4096]), 0));
                MemorySegment in = file.allocate(8192);
                assertEquals(8192, await(file.read(in, 0)));
                assertEquals(4, in.get(ValueLayout.JAVA_BYTE, 8191));
                assertEquals(0, await(file.read(in, 1 << 20)), "0 past the end");
                MemorySegment[] parts = { file.allocate(4096), file.allocate(4096) };
                assertEquals(8192L, await(file.read(parts, 0)));
                assertEquals(8192L, await(file.write(parts, 8192)));
                assertNull(await(file.fsync()));
                assertNull(await(file.fdatasync()));
                assertEquals(16384, file.size());
                file.preallocate(0, 1 << 20);
                assertEquals(1 << 20, file.size());
                file.truncate(100);
                assertEquals(100, file.size());
            }
            assertEquals(100, Files.size(path));
            assertThrows(UnsupportedOperationException.class, () -> aio.poll(0, 1));
            assertThrows(UnsupportedOperationException.class,
                    () -> aio.open(path, StandardOpenOption.APPEND));
            AioFile closed = aio.open(path);
            closed.close();
            assertInstanceOf(AioClosedException.class, TestFiles.failure(closed.read(aio.allocate(10), 0)));
            AioFile open = aio.open(path);
            aio.close();
            assertFalse(open.isOpen(), "closing the context closes its files");
            assertInstanceOf(AioClosedException.class, TestFiles.failure(open.read(aio.allocate(10), 0)));
            assertThrows(AioClosedException.class, () -> aio.open(path));
        }
    }

    @Test
    void forcedFallbackHonoursAppendAndTheBufferRule() throws Exception {
        Path path = TestFiles.directory(FallbackTest.class).resolve("append.bin");
        try (AioContext aio = AioContext.builder().fallback(AioFallback.FORCED_THREAD_POOL).build();
                AioFile file = aio.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE)) {
            MemorySegment abc = aio.allocate(3).copyFrom(MemorySegment.ofArray("abc".getBytes()));
            assertEquals(3, await(file.write(abc, 0)));
            java.util.concurrent.CompletionStage<Integer> appended;
            try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofShared()) {
                MemorySegment de = arena.allocate(2).copyFrom(MemorySegment.ofArray("de".getBytes()));
                appended = file.write(de, 0, RwFlags.APPEND.and(RwFlags.DSYNC));
            } // closed before the pool thread may have run: the data was copied at submission
            assertEquals(2, await(appended));
            assertEquals("abcde", Files.readString(path));
            try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
                assertThrows(IllegalArgumentException.class, () -> file.read(arena.allocate(5), 0));
            }
            assertThrows(IllegalStateException.class, () -> aio.open(path).truncate(0), "read-only file");
        }
    }
}
