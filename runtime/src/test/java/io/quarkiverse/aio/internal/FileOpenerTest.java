package io.quarkiverse.aio.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** The alignment fallback for kernels without STATX_DIOALIGN (before 6.1): the device's logical block size. */
class FileOpenerTest {

    @Test
    void logicalBlockSizeOfTheDiskUnderTarget() throws Exception {
        String device = FaultsTestSupport.run("stat", "-c", "%Hd:%Ld", Path.of("target").toAbsolutePath().toString());
        String[] numbers = device.trim().split(":");
        int size = FileOpener.logicalBlockSize(Integer.parseInt(numbers[0]), Integer.parseInt(numbers[1]));
        Path sysfs = Path.of("/sys/dev/block/" + device.trim() + "/queue/logical_block_size");
        if (Files.exists(sysfs)) {
            assertEquals(Integer.parseInt(Files.readAllLines(sysfs).get(0).trim()), size);
        }
        assertTrue(size >= 512 && Integer.bitCount(size) == 1, "a power of two of at least 512: " + size);
    }

    @Test
    void noSuchDeviceFallsBackTo4096() {
        assertEquals(4096, FileOpener.logicalBlockSize(0, 9999));
    }

    /** Runs a command and returns its output. */
    static final class FaultsTestSupport {
        static String run(String... command) throws Exception {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            assertTrue(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
            return new String(p.getInputStream().readAllBytes());
        }
    }
}
