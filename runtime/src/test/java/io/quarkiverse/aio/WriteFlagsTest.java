package io.quarkiverse.aio;

import static io.quarkiverse.aio.TestFiles.await;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * RWF_ATOMIC and RWF_DONTCACHE on the real kernel: refused clearly where the file system cannot, doing what they say
 * where it can. ext4 on these virtual disks reports no atomic write units; xfs with reflink does them in software.
 */
class WriteFlagsTest {

    static final int BLOCK = 4096;
    final Path dir = TestFiles.directory(WriteFlagsTest.class);

    @Test
    void anUntornWriteIsRefusedAtOnceWhereTheFileTakesNone() throws Exception {
        try (AioContext aio = AioContext.builder().queueDepth(4).build();
                AioFile direct = aio.open(dir.resolve("atomic-ext4.bin"), StandardOpenOption.CREATE,
                        StandardOpenOption.READ, StandardOpenOption.WRITE, AioOpenOption.DIRECT);
                AioFile buffered = aio.open(dir.resolve("atomic-buffered.bin"), StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE)) {
            assertEquals(0, buffered.atomicWriteUnitMax(), "untorn writes need O_DIRECT");
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> buffered.write(aio.allocate(BLOCK), 0, RwFlags.ATOMIC));
            assertTrue(e.getMessage().contains("RWF_ATOMIC"), e.getMessage());
            Assumptions.assumeTrue(direct.atomicWriteUnitMax() == 0,
                    "this file system takes untorn writes: the xfs test covers that case");
            assertEquals(0, direct.atomicWriteUnitMin());
            e = assertThrows(UnsupportedOperationException.class,
                    () -> direct.write(direct.allocate(BLOCK), 0, RwFlags.ATOMIC));
            assertTrue(e.getMessage().contains("STATX_WRITE_ATOMIC"), e.getMessage());
            assertEquals(0, direct.statistics().writes(), "nothing reached the kernel");
            assertEquals(BLOCK, await(direct.write(direct.allocate(BLOCK), 0)), "the file stays usable");
        }
    }

    @Test
    void theThreadPoolFallbackRefusesUntornWrites() throws Exception {
        try (AioContext aio = AioContext.builder().fallback(AioFallback.FORCED_THREAD_POOL).build();
                AioFile file = aio.open(dir.resolve("atomic-fallback.bin"), StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE, AioOpenOption.DIRECT)) {
            assertEquals(0, file.atomicWriteUnitMax());
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> file.write(file.allocate(BLOCK), 0, RwFlags.ATOMIC));
            assertTrue(e.getMessage().contains("RWF_ATOMIC"), e.getMessage());
        }
    }

    @Test
    void untornWritesOnXfsWithReflink() throws Exception {
        Path mount = dir.resolve("xfs");
        Path image = dir.resolve("xfs.img");
        Files.createDirectories(mount);
        try {
            FaultsTest.run("truncate", "-s", "320M", image.toString()); // sparse; mkfs.xfs wants 300 MiB at least
            FaultsTest.run("mkfs.xfs", "-q", "-f", "-m", "reflink=1", image.toString());
            FaultsTest.run("mount", "-o", "loop", image.toString(), mount.toString());
        } catch (IOException e) {
            Assumptions.abort("cannot mount an xfs loop image here (needs root, a loop device and xfsprogs): "
                    + e.getMessage());
        }
        try (AioContext aio = AioContext.builder().queueDepth(4).build();
                AioFile file = aio.open(mount.resolve("untorn.bin"), StandardOpenOption.CREATE,
                        StandardOpenOption.READ, StandardOpenOption.WRITE, AioOpenOption.DIRECT)) {
            int min = file.atomicWriteUnitMin(), max = file.atomicWriteUnitMax();
            assertTrue(min > 0 && min <= BLOCK && max >= BLOCK, "statx units on xfs: " + min + ".." + max);
            MemorySegment record = file.allocate(BLOCK).fill((byte) 0x3c);
            assertEquals(BLOCK, await(file.write(record, BLOCK, RwFlags.ATOMIC)), "the kernel took it");
            MemorySegment back = file.allocate(BLOCK);
            assertEquals(BLOCK, await(file.read(back, BLOCK)));
            assertEquals(-1, back.mismatch(record));

            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> file.write(file.allocate(3 * BLOCK), 0, RwFlags.ATOMIC), "not a power of two");
            assertTrue(e.getMessage().contains("power of two"), e.getMessage());
            if (max < 1 << 30) {
                assertThrows(IllegalArgumentException.class,
                        () -> file.write(file.allocate(2L * max), 0, RwFlags.ATOMIC), "above the largest unit");
            }
            if (max >= 2 * BLOCK) {
                assertThrows(IllegalArgumentException.class,
                        () -> file.write(file.allocate(2 * BLOCK), BLOCK, RwFlags.ATOMIC), "position not a multiple");
            }
        } finally {
            FaultsTest.run("umount", mount.toString());
            Files.deleteIfExists(image);
        }
    }

    /** Resident pages of a file, from util-linux fincore. */
    static long cachedPages(Path path) throws Exception {
        String out = FaultsTest.run("fincore", "--bytes", "--noheadings", "--output", "PAGES", path.toString()).trim();
        return Long.parseLong(out);
    }

    @Test
    void uncachedReadsAndWritesLeaveThePageCacheAlone() throws Exception {
        int size = 16 << 20;
        Path plain = dir.resolve("cached.bin"), uncached = dir.resolve("uncached.bin");
        try (AioContext aio = AioContext.builder().queueDepth(8).build()) {
            MemorySegment data = aio.allocate(1 << 20).fill((byte) 0x21);
            try (AioFile file = aio.open(uncached, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE)) {
                List<CompletionStage<Integer>> writes = new ArrayList<>();
                try {
                    await(file.write(data, 0, RwFlags.DONTCACHE));
                } catch (AioException e) {
                    // an older kernel or another file system: the error must say what is missing
                    assertEquals("EOPNOTSUPP", e.errnoName(), e.getMessage());
                    assertTrue(e.getMessage().contains("RWF_DONTCACHE"), e.getMessage());
                    Assumptions.abort("RWF_DONTCACHE unsupported here: " + e.getMessage());
                }
                for (int offset = 1 << 20; offset < size; offset += 1 << 20) {
                    writes.add(file.write(data, offset, RwFlags.DONTCACHE));
                }
                awaitAll(writes);
                await(file.fdatasync());
            }
            try (AioFile file = aio.open(plain, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE)) {
                List<CompletionStage<Integer>> writes = new ArrayList<>();
                for (int offset = 0; offset < size; offset += 1 << 20) {
                    writes.add(file.write(data, offset));
                }
                awaitAll(writes);
                await(file.fdatasync());
            }
            long pages = size / 4096;
            assertTrue(cachedPages(plain) > pages / 2, "plain buffered writes stay cached: " + cachedPages(plain));
            assertTrue(cachedPages(uncached) < pages / 4, "uncached writes do not: " + cachedPages(uncached));

            // Reads: the uncached file is not in the cache; reading it with DONTCACHE keeps it out.
            try (AioFile file = aio.open(uncached, StandardOpenOption.READ)) {
                MemorySegment buf = aio.allocate(1 << 20);
                for (int offset = 0; offset < size; offset += 1 << 20) {
                    assertEquals(1 << 20, await(file.read(buf, offset, RwFlags.DONTCACHE)));
                    assertEquals((byte) 0x21, buf.get(ValueLayout.JAVA_BYTE, 12345));
                }
                assertTrue(cachedPages(uncached) < pages / 4, "uncached reads: " + cachedPages(uncached));
                for (int offset = 0; offset < size; offset += 1 << 20) {
                    assertEquals(1 << 20, await(file.read(buf, offset)));
                }
                assertTrue(cachedPages(uncached) > pages / 2, "plain reads fill it: " + cachedPages(uncached));
            }
        }
    }

    static void awaitAll(List<CompletionStage<Integer>> stages) throws Exception {
        for (CompletionStage<Integer> stage : stages) {
            await(stage);
        }
    }
}
