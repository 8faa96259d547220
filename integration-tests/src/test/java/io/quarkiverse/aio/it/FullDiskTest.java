package io.quarkiverse.aio.it;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.*;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** An upload larger than the free space is answered 507 before its body is read, and leaves nothing behind. */
@QuarkusTest
@TestProfile(FullDiskTest.SmallDisk.class)
class FullDiskTest {

    public static class SmallDisk implements QuarkusTestProfile {
        @Override
        public java.util.List<TestResourceEntry> testResources() {
            return java.util.List.of(new TestResourceEntry(SmallDiskResource.class));
        }
    }

    @Test
    void tooLargeForTheDiskIs507BeforeTheBody() throws Exception {
        Assumptions.assumeTrue(SmallDiskResource.MOUNTED == null, SmallDiskResource.MOUNTED);
        // Announce 64 MiB on a 16 MiB file system and send no byte of it: the answer must come anyway.
        try (Socket socket = new Socket("localhost", FileStoreHttpTest.port())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("PUT /files/too-large.bin HTTP/1.1\r\nHost: localhost\r\nContent-Length: " + (64 << 20)
                    + "\r\nExpect: 100-continue\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String status = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            assertEquals("HTTP/1.1 507", status, "answered before the body, without 100 Continue");
        }
        FileStoreHttpTest.awaitNothingOpenInTheStore();
        given().get("/files/too-large.bin").then().statusCode(404);
        // What fits is stored, on the same small disk.
        byte[] data = FileStoreTest.random(1 << 20, 3);
        assertEquals(201, FileStoreTest.put("fits.bin", data));
        assertArrayEquals(data, FileStoreTest.get("fits.bin"));
        given().contentType("application/octet-stream").body(new byte[20 << 20]).put("/files/too-large.bin").then()
                .statusCode(507).body(containsString("ENOSPC"));
    }
}
