package io.quarkiverse.aio;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What close() keeps: a result the kernel produced is never thrown away, close() does not wait for polls, and nothing
 * touches a buffer once close() has returned. libaio's own harness closes with reads in flight from 8 threads.
 */
class CloseSemanticsTest {

    static Path dir;
    static Path data;

    @BeforeAll
    static void setUp() throws Exception {
        dir = TestFiles.directory(CloseSemanticsTest.class);
        data = dir.resolve("data.bin");
        byte[] bytes = new byte[1 << 20];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i / 4096 + 1);
        }
        Files.write(data, bytes);
    }

    /** Submit one O_DIRECT read, close at once: when close() returns the read has its true result, in the buffer. */
    @Test
    void closeRightAfterSubmittingKeepsTheResult() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(8);
        AtomicInteger checked = new AtomicInteger();
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                runs.add(threads.submit(() -> {
                    for (int i = 0; i < 20; i++) {
                        int block = (thread * 20 + i) % 256;
                        boolean callerArena = i % 2 == 1; // also through library memory, copied at completion
                        try (Arena arena = Arena.ofShared()) {
                            AioContext aio = AioContext.builder().queueDepth(4).build();
                            AioFile file = aio.open(data, StandardOpenOption.READ, AioOpenOption.DIRECT);
                            MemorySegment buffer = callerArena ? arena.allocate(4096, 4096) : file.allocate(4096);
                            CompletableFuture<Integer> read = file.read(buffer, block * 4096L).toCompletableFuture();
                            aio.close();
                            assertTrue(read.isDone(), "complete when close() returns");
                            assertEquals(4096, read.join(), "the kernel's result, not a failure");
                            assertEquals((byte) (block + 1), buffer.get(ValueLayout.JAVA_BYTE, 4095), "the bytes read");
                            assertFalse(file.isOpen());
                            checked.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> run : runs) {
                run.get(120, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
        assertEquals(160, checked.get());
    }
}
