package io.quarkiverse.aio.it;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The same requests against the packaged application. */
@QuarkusIntegrationTest
class AsyncFileIT extends AsyncFileTest {
}
