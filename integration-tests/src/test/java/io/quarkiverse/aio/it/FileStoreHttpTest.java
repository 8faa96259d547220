package io.quarkiverse.aio.it;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.emptyString;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** The HTTP a client expects of the file store: ranges, validators, conditional requests, listing, aborts. */
@QuarkusTest
class FileStoreHttpTest {

    static byte[] stored(String name, int size) {
        byte[] data = FileStoreTest.random(size, name.hashCode());
        int status = FileStoreTest.put(name, data);
        assertTrue(status == 201 || status == 204, "PUT " + name + ": " + status);
        return data;
    }

    static String etag(String name) {
        return given().head("/files/" + name).then().statusCode(200).extract().header("ETag");
    }

    @Test
    void rangesGet206WithContentRange() {
        byte[] data = stored("ranged.bin", 3 << 20);
        int size = data.length;
        Response single = given().header("Range", "bytes=10-19").get("/files/ranged.bin");
        single.then().statusCode(206).header("Content-Range", "bytes 10-19/" + size).header("Content-Length", "10")
                .header("Accept-Ranges", "bytes");
        assertArrayEquals(Arrays.copyOfRange(data, 10, 20), single.asByteArray());
        // across the 1 MiB blocks the store reads in, starting off the direct-I/O alignment
        Response across = given().header("Range", "bytes=1048570-2097160").get("/files/ranged.bin");
        across.then().statusCode(206).header("Content-Range", "bytes 1048570-2097160/" + size);
        assertArrayEquals(Arrays.copyOfRange(data, 1048570, 2097161), across.asByteArray());
        Response suffix = given().header("Range", "bytes=-5").get("/files/ranged.bin");
        suffix.then().statusCode(206).header("Content-Range", "bytes " + (size - 5) + "-" + (size - 1) + "/" + size);
        assertArrayEquals(Arrays.copyOfRange(data, size - 5, size), suffix.asByteArray());
        Response open = given().header("Range", "bytes=" + (size - 1000) + "-").get("/files/ranged.bin");
        open.then().statusCode(206);
        assertArrayEquals(Arrays.copyOfRange(data, size - 1000, size), open.asByteArray());
        Response beyondEnd = given().header("Range", "bytes=" + (size - 2) + "-" + (size + 100)).get("/files/ranged.bin");
        beyondEnd.then().statusCode(206).header("Content-Range", "bytes " + (size - 2) + "-" + (size - 1) + "/" + size);
        given().header("Range", "bytes=" + size + "-").get("/files/ranged.bin").then().statusCode(416)
                .header("Content-Range", "bytes */" + size);
        given().header("Range", "bytes=-0").get("/files/ranged.bin").then().statusCode(416);
        // several ranges, or nonsense: the whole file, as RFC 9110 allows
        assertEquals(size, given().header("Range", "bytes=0-1,5-6").get("/files/ranged.bin").then().statusCode(200)
                .extract().asByteArray().length);
        given().header("Range", "lines=1-2").get("/files/ranged.bin").then().statusCode(200);
        // If-Range with another version's ETag: the whole file
        given().header("Range", "bytes=0-0").header("If-Range", "\"other\"").get("/files/ranged.bin").then()
                .statusCode(200).header("Content-Length", String.valueOf(size));
        given().header("Range", "bytes=0-0").header("If-Range", etag("ranged.bin")).get("/files/ranged.bin").then()
                .statusCode(206);
    }

    @Test
    void headTellsWithoutABody() {
        stored("headed.bin", 5000);
        given().head("/files/headed.bin").then().statusCode(200).header("Content-Length", "5000")
                .header("Accept-Ranges", "bytes").header("ETag", notNullValue())
                .header("Last-Modified", notNullValue()).body(emptyString());
        given().head("/files/never-there.bin").then().statusCode(404);
        given().header("Range", "bytes=0-9").head("/files/headed.bin").then().statusCode(200)
                .header("Content-Length", "5000"); // ranges are for GET only
    }

    @Test
    void validatorsGive304() {
        stored("cached.bin", 7000);
        Response first = given().get("/files/cached.bin");
        String etag = first.header("ETag");
        String lastModified = first.header("Last-Modified");
        assertTrue(etag.startsWith("\"") && etag.endsWith("\""), "a strong ETag: " + etag);
        given().header("If-None-Match", etag).get("/files/cached.bin").then().statusCode(304).header("ETag", etag)
                .body(emptyString());
        given().header("If-None-Match", "\"x\", W/" + etag).get("/files/cached.bin").then().statusCode(304);
        given().header("If-None-Match", "\"other\"").get("/files/cached.bin").then().statusCode(200);
        given().header("If-Modified-Since", lastModified).get("/files/cached.bin").then().statusCode(304);
        given().header("If-Modified-Since", "Mon, 01 Jan 2001 00:00:00 GMT").get("/files/cached.bin").then()
                .statusCode(200);
        given().header("If-None-Match", etag).head("/files/cached.bin").then().statusCode(304);
        stored("cached.bin", 7000); // same length, new content: a new ETag
        assertNotEquals(etag, etag("cached.bin"));
        given().header("If-None-Match", etag).get("/files/cached.bin").then().statusCode(200);
    }

    @Test
    void ifMatchMakesReplaceAndDeleteSafe() {
        byte[] original = stored("guarded.bin", 3000);
        String etag = etag("guarded.bin");
        byte[] replacement = FileStoreTest.random(100, 5);
        given().header("If-Match", "\"stale\"").contentType("application/octet-stream").body(replacement)
                .put("/files/guarded.bin").then().statusCode(412);
        assertArrayEquals(original, FileStoreTest.get("guarded.bin"), "a failed precondition changes nothing");
        given().header("If-Match", etag).contentType("application/octet-stream").body(replacement)
                .put("/files/guarded.bin").then().statusCode(204);
        assertArrayEquals(replacement, FileStoreTest.get("guarded.bin"));
        given().header("If-Match", etag).delete("/files/guarded.bin").then().statusCode(412);
        given().header("If-None-Match", "*").contentType("application/octet-stream").body(replacement)
                .put("/files/guarded.bin").then().statusCode(412);
        given().header("If-Match", etag("guarded.bin")).delete("/files/guarded.bin").then().statusCode(204);
        given().header("If-Match", "*").contentType("application/octet-stream").body(replacement)
                .put("/files/guarded.bin").then().statusCode(412);
        given().header("If-None-Match", "*").contentType("application/octet-stream").body(replacement)
                .put("/files/guarded.bin").then().statusCode(201);
    }

    /** If-Match and If-Unmodified-Since on GET (RFC 9110 13.2.2), and If-Unmodified-Since on PUT and DELETE. */
    @Test
    void readsAndWritesHonourIfMatchAndIfUnmodifiedSince() {
        stored("unmodified.bin", 2000);
        String etag = etag("unmodified.bin");
        String lastModified = given().head("/files/unmodified.bin").then().extract().header("Last-Modified");
        given().header("If-Match", etag).get("/files/unmodified.bin").then().statusCode(200);
        given().header("If-Match", "\"other\"").get("/files/unmodified.bin").then().statusCode(412);
        given().header("If-Unmodified-Since", lastModified).get("/files/unmodified.bin").then().statusCode(200);
        String past = "Mon, 01 Jan 2001 00:00:00 GMT";
        given().header("If-Unmodified-Since", past).get("/files/unmodified.bin").then().statusCode(412);
        given().header("If-Match", etag).header("If-Unmodified-Since", past).get("/files/unmodified.bin").then()
                .statusCode(200); // If-Match present: If-Unmodified-Since is not evaluated
        given().header("If-Unmodified-Since", past).contentType("application/octet-stream").body(new byte[3])
                .put("/files/unmodified.bin").then().statusCode(412);
        given().header("If-Unmodified-Since", past).delete("/files/unmodified.bin").then().statusCode(412);
        given().header("If-Unmodified-Since", lastModified).delete("/files/unmodified.bin").then().statusCode(204);
    }

    @Test
    void listingIsPagedByCursor() throws IOException {
        for (int i = 0; i < 5; i++) {
            stored("listed-" + i + ".bin", 100 + i);
        }
        // Entries that are not files are left out, and the next page still follows them.
        Path dataDir = Path.of(ConfigProvider.getConfig().getValue("demo.data-dir", String.class));
        for (int i = 0; i < 4; i++) {
            Files.createDirectories(dataDir.resolve("listed-2.dir-" + i));
        }
        List<String> names = new ArrayList<>();
        String cursor = null;
        for (int pages = 0; pages < 10_000; pages++) {
            var request = given().queryParam("limit", 2);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            var page = request.get("/files").then().statusCode(200).contentType("application/json").extract()
                    .jsonPath();
            List<Map<String, Object>> files = page.getList("files");
            assertTrue(files.size() <= 2, "at most the limit");
            for (Map<String, Object> file : files) {
                String name = (String) file.get("name");
                names.add(name);
                assertFalse(name.contains(".dir-"), "a directory is not listed");
                if (name.startsWith("listed-")) {
                    assertEquals(100 + name.charAt(7) - '0', ((Number) file.get("size")).intValue());
                    assertEquals(etag(name), file.get("etag"));
                }
            }
            cursor = page.getString("next");
            if (cursor == null) {
                break;
            }
        }
        assertNull(cursor, "the listing ends");
        List<String> sorted = new ArrayList<>(names);
        sorted.sort(null);
        assertEquals(sorted, names, "in name order, no name twice");
        assertEquals(names.size(), names.stream().distinct().count());
        for (int i = 0; i < 5; i++) {
            assertTrue(names.contains("listed-" + i + ".bin"));
        }
        assertTrue(names.stream().noneMatch(n -> n.startsWith(".")), "internal files are not listed");
        given().queryParam("limit", 0).get("/files").then().statusCode(400);
        given().queryParam("limit", "x").get("/files").then().statusCode(400);
    }

    @Test
    void anAbortedDownloadLeavesNothingOpen() throws Exception {
        stored("aborted-download.bin", 32 << 20);
        for (int i = 0; i < 5; i++) {
            try (Socket socket = new Socket("localhost", port())) {
                socket.getOutputStream().write(("GET /files/aborted-download.bin HTTP/1.1\r\nHost: localhost\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                InputStream in = socket.getInputStream();
                byte[] some = new byte[64 * 1024];
                int total = 0;
                while (total < 200_000) {
                    int n = in.read(some);
                    assertTrue(n > 0, "the download started");
                    total += n;
                }
            } // closed half-way
        }
        awaitNothingOpenInTheStore();
        assertEquals(32 << 20, FileStoreTest.get("aborted-download.bin").length, "the store keeps serving");
    }

    /** A client that stops half-way: the upload is dropped, the old content stays, nothing is left behind. */
    @Test
    void anAbortedOrShortUploadStoresNothing() throws Exception {
        byte[] original = stored("aborted-upload.bin", 10_000);
        for (int i = 0; i < 10; i++) { // gone while the temporary file is made, before any byte of the body
            try (Socket socket = new Socket("localhost", port())) {
                socket.getOutputStream().write(("PUT /files/aborted-upload.bin HTTP/1.1\r\nHost: localhost\r\n"
                        + "Content-Length: " + (64 << 20) + "\r\nExpect: 100-continue\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                Thread.sleep(i); // at different moments of it
            }
        }
        for (int i = 0; i < 3; i++) {
            try (Socket socket = new Socket("localhost", port())) {
                OutputStream out = socket.getOutputStream();
                out.write(("PUT /files/aborted-upload.bin HTTP/1.1\r\nHost: localhost\r\nContent-Length: "
                        + (8 << 20) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(new byte[3 << 20]); // 3 of the 8 MiB announced
                out.flush();
                Thread.sleep(200);
            }
        }
        given().get("/files/never-uploaded.bin").then().statusCode(404);
        awaitNothingOpenInTheStore();
        assertArrayEquals(original, FileStoreTest.get("aborted-upload.bin"), "the old content stays");
    }

    static int port() {
        return ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
    }

    /** No descriptor of this process (the application's) points into the data directory, and no temporary file. */
    static void awaitNothingOpenInTheStore() throws Exception {
        Path dataDir = Path.of(ConfigProvider.getConfig().getValue("demo.data-dir", String.class)).toRealPath();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<String> open, temporary;
        do {
            Thread.sleep(50);
            open = openIn(dataDir);
            try (Stream<Path> files = Files.list(dataDir)) {
                temporary = files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".upload-")).toList();
            }
        } while ((!open.isEmpty() || !temporary.isEmpty()) && System.nanoTime() < deadline);
        assertEquals(List.of(), open, "descriptors into the store");
        assertEquals(List.of(), temporary, "temporary files");
    }

    static List<String> openIn(Path dir) throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith(dir.toString()) && !target.contains("continuation-threads-probe")) {
                        found.add(target);
                    }
                } catch (IOException gone) {
                    // closed meanwhile
                }
            }
        }
        return found;
    }
}
