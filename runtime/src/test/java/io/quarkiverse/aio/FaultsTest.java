package io.quarkiverse.aio;

import static io.quarkiverse.aio.TestFiles.await;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Real faults from the kernel, where this machine can produce them: ENOSPC on a tiny ext4 file system on a loop
 * device (needs root), EFBIG under a file-size limit (ulimit -f) in a child JVM. Each must surface as a typed error
 * with its errno, without hanging, and leave the context working. EIO cannot be produced here (no device-mapper, no
 * fault injection); see docs.
 */
class FaultsTest {

    static final long TIMEOUT = 60;

    static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!process.waitFor(TIMEOUT, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("timed out: " + String.join(" ", command));
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " exited with " + process.exitValue() + ": " + output);
        }
        return output;
    }

    @Test
    void noSpaceLeftOnDevice() throws Exception {
        Path dir = TestFiles.directory(FaultsTest.class).resolve("enospc");
        Path image = dir.resolveSibling("enospc.img");
        Files.createDirectories(dir);
        try {
            run("truncate", "-s", "16M", image.toString());
            run("mkfs.ext4", "-q", "-F", image.toString());
            run("mount", "-o", "loop", image.toString(), dir.toString());
        } catch (IOException e) {
            Assumptions.abort("cannot mount a loop file system here (needs root and a loop device): " + e.getMessage());
        }
        try (AioContext aio = AioContext.builder().queueDepth(8).build()) {
            AioException full = null;
            long written = 0;
            try (AioFile file = aio.open(dir.resolve("fill.bin"), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    AioOpenOption.DIRECT)) {
                MemorySegment chunk = file.allocate(1 << 20);
                for (int i = 0; i < 64 && full == null; i++) { // 64 MiB into a 16 MiB file system
                    try {
                        int n = await(file.write(chunk, written));
                        written += n;
                        if (n < chunk.byteSize()) {
                            // A short write: the file system is full. The next write must say why.
                            full = assertInstanceOf(AioException.class, TestFiles.failure(file.write(chunk.asSlice(0,
                                    file.offsetAlignment()), written)));
                        }
                    } catch (AioException e) {
                        full = e;
                    }
                }
            }
            assertNotNull(full, "64 MiB fitted in a 16 MiB file system");
            assertEquals("ENOSPC", full.errnoName(), full.getMessage());
            assertTrue(full.getMessage().contains("is full"), full.getMessage());
            assertTrue(written > 0 && written < 16 << 20, "written before ENOSPC: " + written);
            // the context still works, on another file system
            Path elsewhere = TestFiles.directory(FaultsTest.class).resolve("after-enospc.bin");
            try (AioFile file = aio.open(elsewhere, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                assertEquals(3, await(file.write(aio.allocate(3), 0)));
            }
        } finally {
            run("umount", dir.toString());
            Files.deleteIfExists(image);
        }
    }

    /** Run in a child JVM under {@code ulimit -f}: writes at the limit are short, past it EFBIG. */
    public static final class FileSizeLimitMain {
        public static void main(String[] args) throws Exception {
            try (AioContext aio = AioContext.builder().queueDepth(4).build();
                    AioFile file = aio.open(Path.of(args[0]), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                            StandardOpenOption.TRUNCATE_EXISTING)) {
                MemorySegment buf = aio.allocate(4096);
                List<String> results = new ArrayList<>();
                for (long position : new long[] { 0, 1024 * 1024 - 1000, 1024 * 1024, 2 * 1024 * 1024 }) {
                    try {
                        results.add("ok " + await(file.write(buf, position)));
                    } catch (AioException e) {
                        results.add(e.errnoName() + " " + e.getMessage());
                    }
                }
                results.add("still works " + await(file.write(buf, 0)));
                results.forEach(System.out::println);
            }
        }
    }

    @Test
    void fileTooLargeUnderAFileSizeLimit() throws Exception {
        Path file = TestFiles.directory(FaultsTest.class).resolve("efbig.bin");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // ulimit -f counts 1024-byte blocks: 1024 = 1 MiB. The JVM ignores SIGXFSZ, so it gets EFBIG instead.
        String output = run("bash", "-c",
                "ulimit -f 1024 && exec \"$0\" --enable-native-access=ALL-UNNAMED -cp \"$1\" \"$2\" \"$3\"", java,
                System.getProperty("java.class.path"), FileSizeLimitMain.class.getName(), file.toString());
        List<String> lines = output.lines().filter(l -> l.startsWith("ok") || l.startsWith("E") || l.startsWith("still"))
                .toList();
        assertEquals(5, lines.size(), output);
        assertEquals("ok 4096", lines.get(0), output);
        assertEquals("ok 1000", lines.get(1), "a short write at the limit: " + output);
        assertTrue(lines.get(2).startsWith("EFBIG") && lines.get(2).contains("largest file size"), output);
        assertTrue(lines.get(3).startsWith("EFBIG"), output);
        assertEquals("still works 4096", lines.get(4), output);
    }
}
