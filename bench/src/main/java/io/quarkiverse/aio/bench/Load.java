package io.quarkiverse.aio.bench;

import java.nio.file.Path;

/** One engine driving one job: started, measured by the harness, then stopped. */
interface Load extends AutoCloseable {

    /** Starts {@code job.queueDepth()} (or the engine's thread count of) operations in flight, recording into {@code recorder}. */
    void start(Path file, long fileSize, Job job, Recorder recorder) throws Exception;

    /** Stops issuing, waits for what is in flight, releases everything. */
    @Override
    void close() throws Exception;

    /** How many threads of the engine's own issue I/O (for the report). */
    String threads();

    /** io_getevents calls made so far, or -1 when the engine makes none of its own. */
    default long ioGeteventsCalls() {
        return -1;
    }
}
