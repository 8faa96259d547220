package io.quarkiverse.aio.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The packaged demo (target/quarkus-app) in a process of its own, on a free port, its output in a log file. */
record PackagedApp(Process process, int port, Path log) {

    /** Starts it with these {@code -D} settings and waits until it listens (at most 60 s). */
    static PackagedApp start(Path target, String logName, String... properties) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path log = target.resolve(logName);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "--illegal-native-access=deny", "-Dquarkus.http.port=" + port));
        for (String property : properties) {
            command.add("-D" + property);
        }
        command.addAll(List.of("-jar", target.resolve("quarkus-app/quarkus-run.jar").toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            awaitListening(log, process);
        } catch (Throwable e) {
            process.destroyForcibly();
            throw e;
        }
        return new PackagedApp(process, port, log);
    }

    URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    private static void awaitListening(Path log, Process app) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < until) {
            if (!app.isAlive()) {
                fail("the application exited at startup:\n" + Files.readString(log));
            }
            if (Files.exists(log) && Files.readString(log).contains("Listening on")) {
                return;
            }
            Thread.sleep(100);
        }
        fail("the application did not start within 60 s:\n" + Files.readString(log));
    }
}
