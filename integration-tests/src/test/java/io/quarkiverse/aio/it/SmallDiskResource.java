package io.quarkiverse.aio.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Puts the store's data directory on a 16 MiB ext4 file system on a loop device, so that an upload can be larger
 * than the free space. Needs root and a loop device; without them the directory is a plain one and
 * {@link #MOUNTED} says so, so that the test skips, saying why.
 */
public class SmallDiskResource implements QuarkusTestResourceLifecycleManager {

    static volatile String MOUNTED = "not started";
    private Path mountPoint;
    private Path image;

    @Override
    public Map<String, String> start() {
        Path target = Path.of("target").toAbsolutePath();
        mountPoint = target.resolve("file-store-small");
        image = target.resolve("file-store-small.img");
        try {
            Files.createDirectories(mountPoint);
            run("umount", mountPoint.toString()); // left mounted by an interrupted run
        } catch (IOException e) {
            // not mounted
        }
        try {
            run("truncate", "-s", "16M", image.toString());
            run("mkfs.ext4", "-q", "-F", image.toString());
            run("mount", "-o", "loop", image.toString(), mountPoint.toString());
            MOUNTED = null;
        } catch (IOException e) {
            MOUNTED = "cannot mount a loop file system here (needs root and a loop device): " + e.getMessage();
        }
        return Map.of("demo.data-dir", mountPoint.toString());
    }

    @Override
    public void stop() {
        try {
            if (MOUNTED == null) {
                run("umount", mountPoint.toString());
            }
            Files.deleteIfExists(image);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static void run(String... command) throws IOException {
        try {
            Process process = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("timed out: " + String.join(" ", command));
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " exited with " + process.exitValue() + ": " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
