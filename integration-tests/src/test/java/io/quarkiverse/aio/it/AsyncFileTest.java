package io.quarkiverse.aio.it;

import static io.quarkiverse.aio.it.FileStoreTest.TIMEOUTS;
import static io.quarkiverse.aio.it.FileStoreTest.random;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/**
 * The AIO {@code AsyncFile} through Quarkus' own pieces, over real HTTP: a request body piped into it from a Vert.x
 * route, and returned from Quarkus REST endpoints (plain, {@code Uni}, {@code RestResponse} with a part), every byte
 * compared.
 */
@QuarkusTest
class AsyncFileTest {

    private static void upload(String name, byte[] data) {
        given().config(TIMEOUTS).contentType("application/octet-stream").body(data).put("/async-files/" + name)
                .then().statusCode(201);
    }

    private static byte[] download(String path) {
        return given().config(TIMEOUTS).get("/async-files/" + path).then().statusCode(200).extract().asByteArray();
    }

    @Test
    void aBodyPipedInIsServedBackByEveryKindOfEndpoint() {
        byte[] data = random(3 * (1 << 20) + 12_345, 21);
        upload("piped.bin", data);
        assertArrayEquals(data, download("piped.bin"), "plain AsyncFile");
        assertArrayEquals(data, download("piped.bin/uni"), "Uni<AsyncFile>");
        long[][] parts = { { 0, 1 }, { 4095, 4098 }, { 1_000_003, 2_100_000 }, { data.length - 5, 5 } };
        for (long[] part : parts) {
            byte[] got = download("piped.bin/part?start=" + part[0] + "&length=" + part[1]);
            assertArrayEquals(Arrays.copyOfRange(data, (int) part[0], (int) (part[0] + part[1])), got,
                    "RestResponse<AsyncFile> part " + part[0] + "+" + part[1]);
        }
    }

    @Test
    void aReplacedFileServesTheNewBytesOnly() {
        upload("replaced.bin", random(2_000_000, 22));
        byte[] shorter = random(5_000, 23);
        upload("replaced.bin", shorter);
        assertArrayEquals(shorter, download("replaced.bin"));
    }

    /** The benchmark's baseline, Vert.x's own AsyncFile on the same kind of routes, moves the same bytes. */
    @Test
    void theVertxBaselineStoresAndServesTheSameBytes() {
        byte[] data = random(2 * (1 << 20) + 3, 24);
        given().config(TIMEOUTS).delete("/files/baseline.bin");
        given().config(TIMEOUTS).contentType("application/octet-stream").body(data).put("/vertx/files/baseline.bin")
                .then().statusCode(201);
        assertArrayEquals(data, given().config(TIMEOUTS).get("/vertx/files/baseline.bin").then().statusCode(200)
                .extract().asByteArray());
        assertArrayEquals(data, FileStoreTest.get("baseline.bin"), "and the store serves what it stored");
    }

    @Test
    void aMissingFileIsNotServed() {
        given().get("/async-files/never-written.bin").then().statusCode(404);
    }
}
