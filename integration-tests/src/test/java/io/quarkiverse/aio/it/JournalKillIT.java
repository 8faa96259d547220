package io.quarkiverse.aio.it;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * The packaged demo killed with SIGKILL while 16 clients append to a journal: after a restart, every record that was
 * answered is there with its exact bytes, a torn record left at the end is dropped by its checksum, and appends go
 * on where the last whole record ended.
 */
class JournalKillIT {

    static final Pattern OFFSET = Pattern.compile("\"offset\"\\s*:\\s*(\\d+)");
    static final Pattern BYTES = Pattern.compile("\"bytes\"\\s*:\\s*(\\d+)");
    static final Pattern RECORDS = Pattern.compile("\"records\"\\s*:\\s*(\\d+)");

    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    static byte[] body(int clientId, int seq) {
        byte[] body = new byte[100 + (clientId * 131 + seq * 17) % 3000];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) (clientId * 31 + seq * 7 + i);
        }
        return body;
    }

    @Test
    void answeredRecordsSurviveSigkill() throws Exception {
        Path target = Path.of("target").toAbsolutePath();
        Path journals = target.resolve("journals-kill");
        SigtermIT.deleteTree(journals);
        Map<Long, byte[]> answered = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> clients = new ArrayList<>();
        PackagedApp app = start(target, journals, "first");
        try {
            for (int c = 0; c < 16; c++) {
                int clientId = c;
                clients.add(Thread.ofPlatform().start(() -> {
                    for (int seq = 0; !stop.get(); seq++) {
                        byte[] body = body(clientId, seq);
                        try {
                            HttpResponse<String> response = client.send(HttpRequest.newBuilder(app.uri("/journal/kill"))
                                    .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                    .build(), HttpResponse.BodyHandlers.ofString());
                            Matcher m = OFFSET.matcher(response.body());
                            if (response.statusCode() == 200 && m.find()) {
                                answered.put(Long.parseLong(m.group(1)), body);
                            }
                        } catch (IOException | InterruptedException e) {
                            return; // the server is gone
                        }
                    }
                }));
            }
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (answered.size() < 1000 && System.nanoTime() < until) {
                Thread.sleep(10);
            }
            assertTrue(answered.size() >= 1000, "answered before the kill: " + answered.size());
            app.process().destroyForcibly(); // SIGKILL, with appends in flight
            assertTrue(app.process().waitFor(20, TimeUnit.SECONDS));
            assertEquals(137, app.process().exitValue(), "killed by SIGKILL");
        } finally {
            stop.set(true);
            app.process().destroyForcibly();
            for (Thread client : clients) {
                client.join(TimeUnit.SECONDS.toMillis(30));
            }
        }
        int acknowledged = answered.size();

        // A torn last record, as a write interrupted by a crash leaves it: a whole header, a payload that does not match.
        Path file = journals.resolve("kill.journal");
        long size = Files.size(file);
        byte[] payload = body(99, 99);
        ByteBuffer torn = ByteBuffer.allocate(12 + payload.length).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(0x314E524A).putInt(payload.length).putInt(12345).put(payload).flip();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(torn, size);
        }

        PackagedApp again = start(target, journals, "second");
        try {
            String summary = client.send(HttpRequest.newBuilder(again.uri("/journal/kill"))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString()).body();
            long records = find(RECORDS, summary);
            long bytes = find(BYTES, summary);
            assertTrue(records >= acknowledged, records + " records for " + acknowledged + " answered appends");
            assertEquals(size, bytes, "the torn record is not part of the journal");
            for (Map.Entry<Long, byte[]> record : answered.entrySet()) {
                HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(again.uri("/journal/kill/"
                        + record.getKey())).timeout(Duration.ofSeconds(30)).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(200, response.statusCode(), "record at " + record.getKey());
                assertArrayEquals(record.getValue(), response.body(), "record at " + record.getKey());
            }
            HttpResponse<String> next = client.send(HttpRequest.newBuilder(again.uri("/journal/kill"))
                    .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofByteArray(payload)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, next.statusCode(), next.body());
            assertEquals(size, find(OFFSET, next.body()), "the next record goes where the torn one was");
            assertTrue(Files.readString(again.log()).contains("cut off"), "the cut is logged");
            System.out.printf("SIGKILL after %d answered appends: %d records recovered, all answered ones intact%n",
                    acknowledged, records);
        } finally {
            again.process().destroy();
            again.process().waitFor(20, TimeUnit.SECONDS);
            again.process().destroyForcibly();
        }
    }

    static PackagedApp start(Path target, Path journals, String run) throws Exception {
        return PackagedApp.start(target, "journal-kill-" + run + ".log", "demo.data-dir=" + target.resolve(
                "file-store-kill"), "demo.journal-dir=" + journals);
    }

    static long find(Pattern pattern, String json) {
        Matcher m = pattern.matcher(json);
        assertTrue(m.find(), pattern + " in " + json);
        return Long.parseLong(m.group(1));
    }
}
