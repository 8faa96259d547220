package io.quarkiverse.aio.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.aio.AioContext;
import io.quarkiverse.aio.AioFile;
import io.quarkus.test.QuarkusDevModeTest;
import io.quarkus.test.common.http.TestHTTPResource;
import io.vertx.ext.web.Router;

/**
 * The Dev UI card's JSON-RPC service, called as the card calls it (over the Dev UI's WebSocket in dev mode): its
 * stream of rates moves when the application does I/O and falls back to zero when it stops, and the configuration
 * table names the context's settings.
 */
class DevUiFiguresTest {

    @RegisterExtension
    static final QuarkusDevModeTest app = new QuarkusDevModeTest()
            .withApplicationRoot(jar -> jar.addClass(IoRoute.class));

    @TestHTTPResource("/")
    URL root;

    /** Each GET writes 16 blocks of 4 KiB through the injected context, syncs them, and reads them back. */
    public static class IoRoute {
        @Inject
        AioContext aio;

        void routes(@Observes Router router) {
            router.get("/io").blockingHandler(ctx -> {
                try {
                    Path dir = Files.createDirectories(Path.of("target", "aio-tests", "DevUiFiguresTest"));
                    try (AioFile file = aio.open(dir.resolve("io.bin"), StandardOpenOption.CREATE,
                            StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                        MemorySegment block = file.allocate(4096);
                        for (int i = 0; i < 16; i++) {
                            file.write(block, i * 4096L).toCompletableFuture().get(10, TimeUnit.SECONDS);
                        }
                        file.fdatasync().toCompletableFuture().get(10, TimeUnit.SECONDS);
                        for (int i = 0; i < 16; i++) {
                            file.read(block, i * 4096L).toCompletableFuture().get(10, TimeUnit.SECONDS);
                        }
                    }
                    ctx.response().end("done");
                } catch (Exception e) {
                    ctx.fail(e);
                }
            });
        }
    }

    @Test
    void theStreamOfRatesMovesWithIoAndTheConfigurationIsShown() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        WebSocket socket = http.newWebSocketBuilder()
                .buildAsync(URI.create("ws://" + root.getHost() + ":" + root.getPort() + "/q/dev-ui/json-rpc-ws"),
                        new Collector(messages))
                .get(30, TimeUnit.SECONDS);
        try {
            socket.sendText("{\"jsonrpc\":\"2.0\",\"method\":\"quarkus-aio_getFigures\",\"params\":{},\"id\":1}", true);
            String figures = next(messages, "\"id\" : 1", 30);
            assertTrue(figures.contains("\"queue depth\" : 256"), figures);
            assertTrue(figures.contains("\"completion dispatch\" : \"direct\""), figures);
            assertTrue(figures.contains("\"backend\" : \"linux-aio\""), figures);

            socket.sendText("{\"jsonrpc\":\"2.0\",\"method\":\"quarkus-aio_streamRates\",\"params\":{},\"id\":2}",
                    true);
            next(messages, "\"id\" : 2", 30); // the stream runs: from here on, the I/O below is timed

            String busy = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (busy == null && System.nanoTime() < deadline) {
                HttpResponse<String> io = http.send(HttpRequest.newBuilder(root.toURI().resolve("io"))
                        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, io.statusCode(), io.body());
                for (String sample; (sample = messages.poll()) != null;) {
                    if (figure(sample, "reads") > 0 && figure(sample, "writes") > 0 && figure(sample, "syncs") > 0
                            && figure(sample, "bytesRead") > 0 && sample.contains("p99Micros")) {
                        busy = sample;
                    }
                }
            }
            assertTrue(busy != null, "no sample showed the reads, writes, syncs and latency of the I/O in 30 s");

            String idle = null;
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (idle == null && System.nanoTime() < deadline) {
                String sample = next(messages, "\"id\" : 2", 30);
                if (figure(sample, "reads") == 0 && figure(sample, "writes") == 0 && !sample.contains("p50Micros")) {
                    idle = sample;
                }
            }
            assertTrue(idle != null, "the rates did not fall back to zero once the I/O stopped");
        } finally {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
        }
    }

    private static String next(BlockingQueue<String> messages, String containing, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        for (;;) {
            String message = messages.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (message == null) {
                throw new AssertionError("no message with " + containing + " within " + seconds + " s");
            }
            if (message.contains(containing)) {
                return message;
            }
        }
    }

    private static long figure(String sample, String name) {
        Matcher matcher = Pattern.compile("\"" + name + "\" : (\\d+)").matcher(sample);
        return matcher.find() ? Long.parseLong(matcher.group(1)) : -1;
    }

    /** Collects whole text messages (the Dev UI's JSON may arrive in parts). */
    private record Collector(BlockingQueue<String> messages, StringBuilder partial) implements WebSocket.Listener {
        Collector(BlockingQueue<String> messages) {
            this(messages, new StringBuilder());
        }

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                messages.add(partial.toString());
                partial.setLength(0);
            }
            socket.request(1);
            return null;
        }
    }
}
