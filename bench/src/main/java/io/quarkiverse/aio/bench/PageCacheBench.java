package io.quarkiverse.aio.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import io.quarkiverse.aio.AioFile;
import io.quarkiverse.aio.RwFlags;

/**
 * What {@link RwFlags#DONTCACHE} does to the page cache: reads a file once with buffered reads and once with uncached
 * ones (1 MiB each, 4 in flight, the injected default context), the cache dropped before each (needs root), and prints
 * the growth of {@code Cached} in /proc/meminfo and the throughput of each.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp ... io.quarkiverse.aio.bench.PageCacheBench FILE
 * </pre>
 */
public final class PageCacheBench {

    static final int CHUNK = 1 << 20, IN_FLIGHT = 4;

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args.length > 0 ? args[0] : "target/bench.dat");
        try (ProducerContext context = ProducerContext.create();
                AioFile aio = context.aio.open(file, StandardOpenOption.READ)) {
            long size = aio.size();
            for (RwFlags flags : List.of(RwFlags.NONE, RwFlags.DONTCACHE, RwFlags.NONE, RwFlags.DONTCACHE)) {
                dropCaches();
                long cachedBefore = cachedKiB();
                long start = System.nanoTime();
                readAll(aio, size, flags);
                double seconds = (System.nanoTime() - start) / 1e9;
                long grown = cachedKiB() - cachedBefore;
                System.out.printf(Locale.ROOT, "RESULT page-cache read=%s bytes=%d cachedGrowthMiB=%d MBps=%.0f%n",
                        flags == RwFlags.NONE ? "buffered" : "dontcache", size, grown / 1024, size / seconds / 1e6);
            }
        }
    }

    static void readAll(AioFile file, long size, RwFlags flags) throws Exception {
        try (Arena arena = Arena.ofShared()) {
            ArrayDeque<CompletionStage<Integer>> inFlight = new ArrayDeque<>();
            MemorySegment[] buffers = new MemorySegment[IN_FLIGHT];
            for (int i = 0; i < IN_FLIGHT; i++) {
                buffers[i] = arena.allocate(CHUNK, 4096);
            }
            long position = 0;
            int next = 0;
            while (position < size || !inFlight.isEmpty()) {
                while (position < size && inFlight.size() < IN_FLIGHT) {
                    inFlight.add(file.read(buffers[next++ % IN_FLIGHT], position, flags));
                    position += CHUNK;
                }
                inFlight.poll().toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
        }
    }

    static void dropCaches() throws Exception {
        Process drop = new ProcessBuilder("sh", "-c", "sync && echo 3 > /proc/sys/vm/drop_caches").inheritIO().start();
        if (!drop.waitFor(60, TimeUnit.SECONDS) || drop.exitValue() != 0) {
            throw new IllegalStateException("could not drop the page cache (needs root)");
        }
    }

    static long cachedKiB() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
            if (line.startsWith("Cached:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new IllegalStateException("no Cached line in /proc/meminfo");
    }
}
