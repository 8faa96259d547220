package io.quarkiverse.aio.it;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/**
 * The continuation of a read stays on the kind of thread the endpoint runs on: operations started on the event loop
 * resume there, those started on worker and virtual threads are not moved onto it.
 */
@QuarkusTest
class ContinuationThreadsTest {

    static String thread(String kind) {
        return given().config(FileStoreTest.TIMEOUTS).get("/threads/" + kind).then().statusCode(200).extract()
                .asString();
    }

    @Test
    void blockingEndpointsContinueOffTheEventLoop() {
        for (int i = 0; i < 20; i++) {
            for (String kind : new String[] { "blocking", "virtual" }) {
                String thread = thread(kind);
                assertTrue(thread.endsWith("event-loop=false") && !thread.contains("eventloop"), kind + ": " + thread);
            }
        }
    }

    @Test
    void reactiveEndpointsContinueOnTheirEventLoop() {
        for (int i = 0; i < 20; i++) {
            String thread = thread("event-loop");
            assertTrue(thread.endsWith("event-loop=true") && thread.contains("eventloop"), thread);
        }
    }
}
