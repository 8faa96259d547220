package io.quarkiverse.aio.it;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The same requests against the packaged application (and, under -Pnative, the native executable). */
@QuarkusIntegrationTest
class FileStoreIT extends FileStoreTest {
}
