package io.quarkiverse.aio.it.journal;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/** The journal example over real HTTP: durable appends answered with their offsets, grouped when concurrent. */
@QuarkusTest
class JournalTest {

    static String unique(String prefix) {
        return prefix + "-" + Long.toHexString(System.nanoTime());
    }

    static long append(String journal, byte[] body) {
        return given().contentType("application/octet-stream").body(body).post("/journal/" + journal).then()
                .statusCode(200).extract().jsonPath().getLong("offset");
    }

    @Test
    void anAppendIsAnsweredWithItsOffsetAndReadBack() {
        String journal = unique("single");
        byte[] first = "first record".getBytes(StandardCharsets.UTF_8);
        byte[] second = new byte[5000];
        java.util.Arrays.fill(second, (byte) 7);
        assertEquals(0, append(journal, first));
        long offset = append(journal, second);
        assertTrue(offset > 0 && offset % 512 == 0, "the second commit starts on a block: " + offset);
        assertArrayEquals(first, given().get("/journal/" + journal + "/0").then().statusCode(200).extract()
                .asByteArray());
        assertArrayEquals(second, given().get("/journal/" + journal + "/" + offset).then().statusCode(200)
                .extract().asByteArray());
        given().get("/journal/" + journal + "/3").then().statusCode(404);
        given().get("/journal/" + journal).then().statusCode(200).body("records", org.hamcrest.Matchers.is(2));
    }

    @Test
    void concurrentAppendsShareCommits() throws Exception {
        String journal = unique("concurrent");
        append(journal, new byte[1]); // opened before the burst
        ExecutorService clients = Executors.newFixedThreadPool(32);
        try {
            List<Future<Long>> offsets = new ArrayList<>();
            for (int i = 0; i < 320; i++) {
                byte[] body = ("client record " + i).getBytes(StandardCharsets.UTF_8);
                offsets.add(clients.submit(() -> append(journal, body)));
            }
            Set<Long> distinct = new HashSet<>();
            for (int i = 0; i < offsets.size(); i++) {
                long offset = offsets.get(i).get(60, TimeUnit.SECONDS);
                assertTrue(distinct.add(offset), "offset " + offset + " answered twice");
                assertEquals("client record " + i, new String(given().get("/journal/" + journal + "/" + offset)
                        .then().statusCode(200).extract().asByteArray(), StandardCharsets.UTF_8));
            }
        } finally {
            clients.shutdownNow();
            assertTrue(clients.awaitTermination(30, TimeUnit.SECONDS));
        }
        var summary = given().get("/journal/" + journal).then().statusCode(200).extract().jsonPath();
        assertEquals(321, summary.getLong("records"));
        long commits = summary.getLong("commitsSinceOpen");
        assertTrue(commits < 321, "32 clients at once share commits: " + commits + " commits for 321 records");
        System.out.printf("321 records in %d group commits%n", commits);
    }

    @Test
    void badRequestsGetClearAnswers() {
        given().body(new byte[RecordFormat.MAX_PAYLOAD + 1]).contentType("application/octet-stream")
                .post("/journal/" + unique("large")).then().statusCode(413).body(containsString("at most"));
        given().body(new byte[1]).contentType("application/octet-stream").post("/journal/.hidden").then()
                .statusCode(400);
    }

    /** Refused from its Content-Length alone: a body of hundreds of MB is never read into the heap. */
    @Test
    void anOversizedRecordIsRefusedBeforeItsBody() throws Exception {
        int port = org.eclipse.microprofile.config.ConfigProvider.getConfig().getValue("quarkus.http.test-port",
                Integer.class);
        try (java.net.Socket socket = new java.net.Socket("localhost", port)) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(("POST /journal/" + unique("huge") + " HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Length: 500000000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String status = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            assertEquals("HTTP/1.1 413", status, "answered without the body");
        }
    }

    @Test
    void theFileChannelBaselineAnswersOffsetsToo() {
        String journal = unique("baseline");
        long first = given().body(new byte[10]).contentType("application/octet-stream")
                .post("/journal-filechannel/" + journal).then().statusCode(200).extract().jsonPath().getLong("offset");
        long second = given().body(new byte[10]).contentType("application/octet-stream")
                .post("/journal-filechannel/" + journal).then().statusCode(200).extract().jsonPath().getLong("offset");
        assertEquals(0, first);
        assertEquals(RecordFormat.HEADER + 10, second, "records back to back, no padding");
    }
}
