package io.quarkiverse.aio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/**
 * Library memory lent to operations goes back when they complete, not when the garbage collector runs: a JVM with
 * a 3 GiB young generation (so that it hardly collects) reading 1 MiB blocks into a caller's Arena.ofShared() buffers
 * for 30 s keeps its resident set within the queue depth x 1 MiB plus a margin. A bounce buffer left to the GC per
 * read would grow it by gigabytes.
 */
class LibraryMemoryRssTest {

    static final int QUEUE_DEPTH = 16, BLOCK = 1 << 20;
    static final long SECONDS = Long.getLong("aio.memory.seconds", 30);

    /** Runs in a child JVM: reads for SECONDS, then prints its resident set before and after, in KiB. */
    public static final class SharedArenaReadsMain {
        public static void main(String[] args) throws Exception {
            Path path = Path.of(args[0]);
            long blocks = Files.size(path) / BLOCK;
            try (Arena arena = Arena.ofShared(); AioContext aio = AioContext.builder().build();
                    AioFile file = aio.open(path, StandardOpenOption.READ, AioOpenOption.DIRECT)) {
                AtomicBoolean running = new AtomicBoolean(true);
                AtomicLong reads = new AtomicLong(), bad = new AtomicLong();
                CountDownLatch stopped = new CountDownLatch(QUEUE_DEPTH);
                long before = residentKiB();
                for (int lane = 0; lane < QUEUE_DEPTH; lane++) {
                    MemorySegment buffer = arena.allocate(BLOCK, 4096);
                    read(file, buffer, lane, blocks, running, reads, bad, stopped);
                }
                Thread.sleep(TimeUnit.SECONDS.toMillis(2));
                long warm = residentKiB();
                long max = warm;
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS - 2);
                while (System.nanoTime() < end) {
                    Thread.sleep(200);
                    max = Math.max(max, residentKiB());
                }
                running.set(false);
                stopped.await(30, TimeUnit.SECONDS);
                System.out.printf("RSS before=%d warm=%d max=%d reads=%d bad=%d%n", before, warm, max, reads.get(),
                        bad.get());
            }
        }

        private static void read(AioFile file, MemorySegment buffer, long seed, long blocks, AtomicBoolean running,
                AtomicLong reads, AtomicLong bad, CountDownLatch stopped) {
            if (!running.get()) {
                stopped.countDown();
                return;
            }
            long block = Math.floorMod(seed * 0x9E3779B97F4A7C15L >>> 7, blocks);
            file.read(buffer, block * BLOCK).whenComplete((n, e) -> {
                if (e != null || n != BLOCK || buffer.get(ValueLayout.JAVA_BYTE, BLOCK - 1) != (byte) block) {
                    bad.incrementAndGet();
                }
                reads.incrementAndGet();
                read(file, buffer, seed + 1, blocks, running, reads, bad, stopped);
            });
        }

        static long residentKiB() throws Exception {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            throw new IllegalStateException("no VmRSS");
        }
    }

    @Test
    void residentSetStaysBounded() throws Exception {
        Path path = TestFiles.directory(LibraryMemoryRssTest.class).resolve("blocks.bin");
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            byte[] block = new byte[BLOCK];
            for (int i = 0; i < 64; i++) {
                java.util.Arrays.fill(block, (byte) i);
                channel.write(java.nio.ByteBuffer.wrap(block), (long) i * BLOCK);
            }
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-Xmn3g", "-Xmx4g", "--enable-native-access=ALL-UNNAMED",
                "-Daio.memory.seconds=" + SECONDS, "-cp", System.getProperty("java.class.path"),
                SharedArenaReadsMain.class.getName(), path.toString()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(SECONDS + 60, TimeUnit.SECONDS), output);
        String line = output.lines().filter(l -> l.startsWith("RSS ")).findFirst().orElseThrow(() -> new AssertionError(output));
        System.out.println(line);
        long warm = figure(line, "warm"), max = figure(line, "max"), reads = figure(line, "reads");
        assertEquals(0, figure(line, "bad"), "every block read back right: " + line);
        assertTrue(reads > 100, "it read: " + line);
        long boundKiB = QUEUE_DEPTH * (BLOCK / 1024) + 64 * 1024; // what the pool may still add, plus 64 MiB
        assertTrue(max - warm <= boundKiB, "grew by " + (max - warm) + " KiB after warm-up, bound " + boundKiB + ": "
                + line);
    }

    private static long figure(String line, String name) {
        return Long.parseLong(line.replaceAll(".*\\b" + name + "=(\\d+).*", "$1"));
    }
}
