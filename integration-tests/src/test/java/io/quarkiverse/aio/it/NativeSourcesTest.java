package io.quarkiverse.aio.it;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.ProdBuildResults;
import io.quarkus.test.ProdModeTestResults;
import io.quarkus.test.QuarkusProdModeTest;

/**
 * Runs the Quarkus native build of the demo application short of the compiler (sources-only: no GraalVM needed) and
 * checks what native-image would be given: native access, the extension's downcall registrations and its run-time
 * initialized classes.
 */
class NativeSourcesTest {

    @RegisterExtension
    static final QuarkusProdModeTest build = new QuarkusProdModeTest()
            .withApplicationRoot(jar -> jar.addClasses(FileStore.class, StoredFile.class, FileStoreRoutes.class, HttpRange.class,
                    Preconditions.class))
            .setApplicationName("aio-native-sources")
            .setApplicationVersion("1")
            .overrideConfigKey("quarkus.native.enabled", "true")
            .overrideConfigKey("quarkus.native.sources-only", "true");

    @ProdBuildResults
    ProdModeTestResults results;

    Path nativeSources() throws IOException {
        try (Stream<Path> found = Files.walk(results.getBuildDir())) {
            return found.filter(p -> p.getFileName().toString().equals("native-image.args")).findFirst()
                    .orElseThrow(() -> new AssertionError("no native-image.args under " + results.getBuildDir()))
                    .getParent();
        }
    }

    List<String> args() throws IOException {
        return Files.readAllLines(nativeSources().resolve("native-image.args"));
    }

    @Test
    void nativeAccessIsEnabled() throws IOException {
        assertTrue(args().stream().anyMatch(a -> a.contains("--enable-native-access=ALL-UNNAMED")), args().toString());
    }

    @Test
    void theDowncallFeatureIsRegistered() throws IOException {
        assertTrue(args().stream().anyMatch(a -> a.contains("--features=") && a.contains(
                "io.quarkiverse.aio.runtime.graal.AioDowncallsFeature")), args().toString());
    }

    @Test
    void noExperimentalSharedArenas() throws IOException {
        assertFalse(args().stream().anyMatch(a -> a.contains("SharedArenaSupport")), args().toString());
    }

    /** Quarkus registers run-time initialization in the Feature it generates into the runner jar. */
    @Test
    void bindingsAreInitializedAtRunTime() throws IOException {
        Path runner;
        try (Stream<Path> found = Files.list(nativeSources())) {
            runner = found.filter(p -> p.toString().endsWith("-runner.jar")).findFirst().orElseThrow();
        }
        try (JarFile jar = new JarFile(runner.toFile())) {
            String generated = jar.stream().filter(e -> e.getName().startsWith("io/quarkus/runner/")
                    && e.getName().endsWith(".class")).map(e -> read(jar, e)).reduce("", String::concat);
            assertTrue(generated.contains("io.quarkiverse.aio.internal.linux.LibC"), "LibC at run time");
            assertTrue(generated.contains("io.quarkiverse.aio.internal.linux.LinuxAio"), "LinuxAio at run time");
            // A Thread and the JDK's arena classes; a cleaner's thread; a watchdog thread; Paths of /proc: nothing for
            // the image heap.
            for (String holder : new String[] { "io.quarkiverse.aio.internal.ArenaKind",
                    "io.quarkiverse.aio.internal.CallerWaits$Cleaners", "io.quarkiverse.aio.internal.VirtualWaits",
                    "io.quarkiverse.aio.internal.Failures" }) {
                assertTrue(generated.contains(holder), holder + " at run time");
            }
            String reflection = read(jar, jar.getEntry("META-INF/native-image/reflect-config.json"));
            String resources = read(jar, jar.getEntry("META-INF/native-image/resource-config.json"));
            assertTrue(reflection.contains("io.quarkiverse.aio.internal.AioContextFactory"),
                    "AioContext.Builder's ServiceLoader provider can be instantiated");
            assertTrue(resources.contains("io.quarkiverse.aio.AioContextProvider"), "its service file is included");
        }
    }

    private static String read(JarFile jar, ZipEntry entry) {
        try (InputStream in = jar.getInputStream(entry)) {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
