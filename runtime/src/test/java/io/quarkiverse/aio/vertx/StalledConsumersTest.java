package io.quarkiverse.aio.vertx;

import static io.quarkiverse.aio.TestFiles.TIMEOUT_SECONDS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkiverse.aio.AioContext;
import io.quarkiverse.aio.TestFiles;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpServer;

/**
 * Consumers that stop taking data (a paused stream, a client that stops reading its download) do not keep the shared
 * blocks from other files: after {@link ReadAhead#STALL_NANOS} they give back what they read ahead, and every byte
 * still arrives, in order, once they come back. The budget here is 8 blocks.
 */
class StalledConsumersTest {

    private static final Path DIR = TestFiles.directory(StalledConsumersTest.class);
    private static final int BUDGET_BLOCKS = 8;
    private static Vertx vertx;
    private static AioContext aio;
    private static AioFileSystem files;
    private static Context context;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        aio = AioContext.builder().build();
        files = new AioFileSystem(vertx, aio, (long) BUDGET_BLOCKS * BlockPool.BLOCK, true);
        context = vertx.getOrCreateContext();
    }

    @AfterAll
    static void stop() throws Exception {
        TestFileSystems.close(aio, vertx);
    }

    @AfterEach
    void everyBlockBack() throws Exception {
        TestFileSystems.assertEveryBlockBack(files, "blocks still out of the pool");
    }

    private static byte[] file(String name, int size, long seed) throws IOException {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        Files.write(DIR.resolve(name), data);
        return data;
    }

    private static AsyncFile open(String name) throws Exception {
        CompletableFuture<AsyncFile> opened = new CompletableFuture<>();
        context.runOnContext(v -> files.open(DIR.resolve(name).toString(), new OpenOptions().setWrite(false))
                .onComplete(r -> {
                    if (r.succeeded()) {
                        opened.complete(r.result());
                    } else {
                        opened.completeExceptionally(r.cause());
                    }
                }));
        return TestFiles.await(opened);
    }

    /** How a consumer stops after its first buffer: it does not, it pauses, or it fetched one buffer only. */
    private enum Stop {
        NEVER, PAUSE, FETCHED_ONE
    }

    /** A read stream that collects everything it is handed, stopping after the first buffer as told. */
    private record Reader(AsyncFile file, ByteArrayOutputStream got, CompletableFuture<Void> first,
            CompletableFuture<Void> ended) {

        static Reader start(AsyncFile file, Stop stop) {
            Reader reader = new Reader(file, new ByteArrayOutputStream(), new CompletableFuture<>(),
                    new CompletableFuture<>());
            context.runOnContext(v -> {
                file.setReadBufferSize(1 << 16);
                if (stop == Stop.FETCHED_ONE) {
                    file.pause();
                }
                file.handler(buffer -> {
                    reader.got.writeBytes(buffer.getBytes());
                    if (reader.first.complete(null) && stop == Stop.PAUSE) {
                        file.pause();
                    }
                });
                file.exceptionHandler(reader.ended::completeExceptionally);
                file.endHandler(e -> reader.ended.complete(null));
                if (stop == Stop.FETCHED_ONE) {
                    file.fetch(1);
                }
            });
            return reader;
        }
    }

    /**
     * Four streams over 8 MiB files that stop after their first buffer, two paused and two that fetched one buffer
     * only, until they hold the whole budget read ahead.
     */
    private static List<Reader> stalledReadersHoldingTheBudget(List<byte[]> contents) throws Exception {
        List<Reader> stalled = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            contents.add(file("stalled-" + i, 8 << 20, i));
            stalled.add(Reader.start(open("stalled-" + i), i % 2 == 0 ? Stop.PAUSE : Stop.FETCHED_ONE));
        }
        for (Reader reader : stalled) {
            reader.first().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (files.poolInUse() < BUDGET_BLOCKS && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(BUDGET_BLOCKS, files.poolInUse(), "the stalled streams hold the whole budget read ahead");
        return stalled;
    }

    /** Lets the stalled streams go on: each must then deliver its whole file, in order. */
    private static void resumeAndCheck(List<Reader> stalled, List<byte[]> contents) throws Exception {
        for (Reader reader : stalled) {
            context.runOnContext(v -> reader.file().resume());
        }
        for (int i = 0; i < stalled.size(); i++) {
            stalled.get(i).ended().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            assertArrayEquals(contents.get(i), stalled.get(i).got().toByteArray(), "stalled stream " + i);
            AsyncFile done = stalled.get(i).file();
            context.runOnContext(v -> done.close());
        }
    }

    @Test
    void stalledStreamsGiveBackTheirReadAheadToAStreamThatWaits() throws Exception {
        List<byte[]> contents = new ArrayList<>();
        List<Reader> stalled = stalledReadersHoldingTheBudget(contents);

        byte[] wanted = file("wanted", 4 << 20, 99);
        long started = System.nanoTime();
        Reader reader = Reader.start(open("wanted"), Stop.NEVER);
        reader.ended().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - started) / 1e9;
        assertArrayEquals(wanted, reader.got().toByteArray());
        assertTrue(seconds >= ReadAhead.STALL_NANOS / 1e9 * 0.5, "it had to wait for the stall, " + seconds + " s");
        context.runOnContext(v -> reader.file().close());
        TestFileSystems.assertEveryBlockBack(files,
                "every stalled stream, paused or out of fetched demand, gave its blocks back");

        resumeAndCheck(stalled, contents);
    }

    /** A stream restarted (handler set to null, then another) while it waited for a block still gets its data. */
    @Test
    void aStreamRestartedWhileWaitingForABlockGetsItsData() throws Exception {
        List<byte[]> contents = new ArrayList<>();
        List<Reader> stalled = stalledReadersHoldingTheBudget(contents);

        byte[] wanted = file("restarted", 3 << 20, 98);
        AsyncFile file = open("restarted");
        context.runOnContext(v -> file.handler(buffer -> {
        }));
        Thread.sleep(200); // its first stream now waits in line for a block
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        CompletableFuture<Void> ended = new CompletableFuture<>();
        context.runOnContext(v -> {
            file.handler(null);
            file.endHandler(e -> ended.complete(null));
            file.handler(buffer -> got.writeBytes(buffer.getBytes()));
        });
        ended.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertArrayEquals(wanted, got.toByteArray());
        context.runOnContext(v -> file.close());

        resumeAndCheck(stalled, contents);
    }

    @Test
    void clientsThatStopReadingDoNotStarveADownload() throws Exception {
        byte[] big = file("big", 48 << 20, 7);
        byte[] small = file("small", 6 << 20, 8);
        HttpServer server = vertx.createHttpServer().requestHandler(request -> {
            String name = request.path().substring(1);
            files.open(DIR.resolve(name).toString(), new OpenOptions().setWrite(false)).onSuccess(file -> {
                request.response().putHeader("Content-Length", Long.toString(DIR.resolve(name).toFile().length()));
                file.pipeTo(request.response());
            }).onFailure(e -> request.response().setStatusCode(500).end());
        });
        server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        int port = server.actualPort();
        List<Socket> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                Socket socket = new Socket();
                socket.setReceiveBufferSize(4096); // stops the server's writes soon after this client stops reading
                socket.connect(new InetSocketAddress("127.0.0.1", port));
                socket.getOutputStream().write(request("big"));
                stalled.add(socket);
            }
            Thread.sleep(500); // each stalled download holds blocks by now: read ahead, and one in its socket

            try (Socket client = new Socket("127.0.0.1", port)) {
                client.setSoTimeout((int) TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
                client.getOutputStream().write(request("small"));
                assertArrayEquals(small, body(client.getInputStream()), "the download beside four stalled ones");
            }
            for (Socket socket : stalled) { // back again: every byte, in order, lent blocks and copies alike
                socket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
                assertArrayEquals(big, body(socket.getInputStream()), "a download that stalled");
            }
        } finally {
            for (Socket socket : stalled) {
                socket.close();
            }
            server.close().toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
    }

    private static byte[] request(String name) {
        return ("GET /" + name + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** The body of a response with Content-Length, read whole. */
    private static byte[] body(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        long length = -1;
        StringBuilder line = new StringBuilder();
        for (;;) {
            int c = data.read();
            if (c < 0) {
                throw new IOException("the response ended in its head");
            }
            if (c != '\n') {
                line.append((char) c);
                continue;
            }
            String header = line.toString().trim();
            line.setLength(0);
            if (header.isEmpty()) {
                break;
            }
            if (header.toLowerCase().startsWith("content-length:")) {
                length = Long.parseLong(header.substring(15).trim());
            }
        }
        byte[] body = new byte[(int) length];
        data.readFully(body);
        return body;
    }
}
