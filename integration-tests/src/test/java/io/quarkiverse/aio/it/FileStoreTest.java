package io.quarkiverse.aio.it;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.config.HttpClientConfig;
import io.restassured.config.RestAssuredConfig;

/** The demo file store over real HTTP; every byte goes through the AioContext with O_DIRECT. */
@QuarkusTest
class FileStoreTest {

    static final RestAssuredConfig TIMEOUTS = RestAssuredConfig.config().httpClient(HttpClientConfig.httpClientConfig()
            .setParam("http.connection.timeout", 30_000).setParam("http.socket.timeout", 60_000));

    static byte[] random(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    static int put(String name, byte[] data) {
        return given().config(TIMEOUTS).contentType("application/octet-stream").body(data)
                .put("/files/" + name).then().extract().statusCode();
    }

    static byte[] get(String name) {
        return given().config(TIMEOUTS).get("/files/" + name).then().statusCode(200)
                .extract().asByteArray();
    }

    @ParameterizedTest
    @ValueSource(ints = { 0, 1, 511, 512, 4095, 4096, 4097, 65_537, 1 << 20, (1 << 20) + 1, 3 * (1 << 20) - 7 })
    void storesAndReturnsExactlyTheBytes(int size) {
        String name = "size-" + size + ".bin";
        byte[] data = random(size, size);
        int status = put(name, data);
        assertEquals(true, status == 201 || status == 204, "status " + status);
        assertArrayEquals(data, get(name));
        given().get("/files/" + name).then().header("Content-Length", String.valueOf(size));
    }

    @Test
    void tenMegabytes() {
        byte[] data = random(10_000_000, 10);
        given().config(TIMEOUTS).delete("/files/ten-mb.bin");
        assertEquals(201, put("ten-mb.bin", data));
        assertArrayEquals(data, get("ten-mb.bin"));
    }

    @Test
    void replacingAFileAnswers204AndKeepsTheNewBytes() {
        given().delete("/files/replaced.txt");
        assertEquals(201, put("replaced.txt", random(5000, 1)));
        byte[] second = random(100, 2);
        assertEquals(204, put("replaced.txt", second));
        assertArrayEquals(second, get("replaced.txt"));
    }

    @Test
    void missingFilesAre404() {
        given().get("/files/never-stored.bin").then().statusCode(404);
        given().delete("/files/never-stored.bin").then().statusCode(404);
    }

    @Test
    void deleteRemovesTheFile() {
        assertEquals(true, put("to-delete.bin", random(10, 3)) / 100 == 2);
        given().delete("/files/to-delete.bin").then().statusCode(204);
        given().get("/files/to-delete.bin").then().statusCode(404);
        given().delete("/files/to-delete.bin").then().statusCode(404);
    }

    @ParameterizedTest
    @ValueSource(strings = { ".hidden", "...", ".%2E%2E", "%2E%2E%2Fx", "a%20b", "a%2Fb", "..%2F..%2Fetc%2Fpasswd", "%2Fetc%2Fpasswd",
            "a%00b", "caf%C3%A9", "name%3Bx", "a*" })
    void unsafeNamesAre400(String encoded) {
        given().urlEncodingEnabled(false).get("/files/" + encoded).then().statusCode(400);
        given().urlEncodingEnabled(false).contentType("application/octet-stream").body(new byte[] { 1 })
                .put("/files/" + encoded).then().statusCode(400);
        given().urlEncodingEnabled(false).delete("/files/" + encoded).then().statusCode(400);
    }

    /** HTTP normalises a bare "/files/.." to "/" before routing: it reaches no file handler at all. */
    @Test
    void dotDotNeverReachesTheStore() {
        given().urlEncodingEnabled(false).get("/files/..").then().statusCode(org.hamcrest.Matchers.oneOf(400, 404));
        given().urlEncodingEnabled(false).get("/files/%2E%2E").then().statusCode(org.hamcrest.Matchers.oneOf(400, 404));
        given().urlEncodingEnabled(false).contentType("application/octet-stream").body(new byte[] { 1 })
                .put("/files/..").then().statusCode(org.hamcrest.Matchers.oneOf(400, 404, 405));
    }

    @Test
    void tooLongNameIs400AndLongestNameWorks() {
        given().get("/files/" + "a".repeat(129)).then().statusCode(400);
        String longest = "b".repeat(128);
        assertEquals(true, put(longest, new byte[] { 7 }) / 100 == 2);
        assertArrayEquals(new byte[] { 7 }, get(longest));
    }

    @Test
    void manyConcurrentClientsKeepEveryByte() throws Exception {
        int clients = 16, filesEach = 4;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                done.add(pool.submit(() -> {
                    for (int f = 0; f < filesEach; f++) {
                        String name = "client-" + client + "-" + f + ".bin";
                        byte[] data = random(100_000 + client * 4099 + f * 511, client * 100L + f);
                        assertEquals(true, put(name, data) / 100 == 2);
                        assertArrayEquals(data, get(name), name);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void checksumOnAVirtualThread() {
        byte[] data = random(3_000_001, 77);
        assertEquals(true, put("checksummed.bin", data) / 100 == 2);
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(data);
        String body = given().get("/files/checksummed.bin/crc32c").then().statusCode(200).extract().asString();
        assertEquals(Long.toHexString(crc.getValue()), body.trim());
        given().get("/files/never-stored.bin/crc32c").then().statusCode(404);
    }

    @Test
    void readinessIncludesTheAioContext() {
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'aio' }.status", org.hamcrest.Matchers.equalTo("UP"))
                .body("checks.find { it.name == 'aio' }.data.poller", org.hamcrest.Matchers.equalTo("running"));
    }

    @Test
    void metricsCountOperations() {
        assertEquals(true, put("metered.bin", random(10_000, 5)) / 100 == 2);
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String name : new String[] { "aio_submitted_total", "aio_completed_total", "aio_failed_total",
                "aio_in_flight", "aio_queued", "aio_latency_seconds_count", "aio_queue_time_seconds_count" }) {
            assertEquals(true, metrics.contains(name), name + " in /q/metrics");
        }
        double submitted = Double.parseDouble(metrics.lines().filter(l -> l.startsWith("aio_submitted_total"))
                .findFirst().orElseThrow().replaceAll(".* ", ""));
        assertEquals(true, submitted >= 2, "a PUT writes and syncs: " + submitted);
    }
}
