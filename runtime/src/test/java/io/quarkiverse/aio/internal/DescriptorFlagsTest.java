package io.quarkiverse.aio.internal;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.junit.jupiter.api.Test;

import io.quarkiverse.aio.AioContext;
import io.quarkiverse.aio.AioOpenOption;
import io.quarkiverse.aio.TestFiles;
import io.quarkiverse.aio.internal.linux.KernelAbi;
import io.quarkiverse.aio.internal.linux.LinuxAio;

/**
 * What open() asked for is what the kernel's descriptor carries (/proc/self/fdinfo), and the alignment the library
 * discovered is the device's (sysfs), not a guess.
 */
class DescriptorFlagsTest {

    static int flagsOf(int fd) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd))) {
            if (line.startsWith("flags:")) {
                return Integer.parseInt(line.substring(6).trim(), 8);
            }
        }
        throw new AssertionError("no flags line for fd " + fd);
    }

    @Test
    void openOptionsReachTheDescriptor() throws Exception {
        Path dir = TestFiles.directory(DescriptorFlagsTest.class);
        try (AioContext aio = AioContext.builder().queueDepth(4).build()) {
            try (var file = (EngineFile) aio.open(dir.resolve("dsync.bin"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, StandardOpenOption.DSYNC)) {
                int flags = flagsOf(file.fd);
                assertEquals(KernelAbi.O_DSYNC, flags & KernelAbi.O_SYNC, "O_DSYNC, not O_SYNC: 0" + Integer.toOctalString(flags));
                assertEquals(KernelAbi.O_WRONLY, flags & 3);
            }
            try (var file = (EngineFile) aio.open(dir.resolve("sync.bin"), StandardOpenOption.CREATE,
                    StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.SYNC)) {
                int flags = flagsOf(file.fd);
                assertEquals(KernelAbi.O_SYNC, flags & KernelAbi.O_SYNC, "O_SYNC: 0" + Integer.toOctalString(flags));
                assertEquals(KernelAbi.O_RDWR, flags & 3);
            }
            try (var file = (EngineFile) aio.open(dir.resolve("direct.bin"), StandardOpenOption.CREATE,
                    StandardOpenOption.READ, StandardOpenOption.WRITE, AioOpenOption.DIRECT)) {
                int flags = flagsOf(file.fd);
                assertEquals(LinuxAio.arch().oDirect, flags & LinuxAio.arch().oDirect, "O_DIRECT");
                assertEquals(0, flags & KernelAbi.O_SYNC, "no sync flag asked for");
                assertEquals(KernelAbi.O_CLOEXEC, flags & KernelAbi.O_CLOEXEC, "not inherited by child processes");
                // ext4 and xfs report the device's logical block size as the offset alignment (STATX_DIOALIGN).
                String device = FileOpenerTest.FaultsTestSupport.run("stat", "-c", "%Hd:%Ld",
                        dir.toAbsolutePath().toString()).trim();
                Path sysfs = Path.of("/sys/dev/block/" + device + "/queue/logical_block_size");
                if (Files.exists(sysfs)) {
                    assertEquals(Integer.parseInt(Files.readAllLines(sysfs).get(0).trim()), file.offsetAlignment());
                }
                assertEquals(1, Integer.bitCount(file.memoryAlignment()), "a power of two: " + file.memoryAlignment());
                assertTrue(file.memoryAlignment() <= file.offsetAlignment());
            }
        }
    }
}
