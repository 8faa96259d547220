package io.quarkiverse.aio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

import org.junit.jupiter.api.Test;

/**
 * Blocking-style use from virtual threads: a virtual thread that waits for a stage unmounts from its carrier (it is
 * never pinned: only the short io_submit downcall runs on the carrier, and the poller alone blocks in the kernel).
 * JFR reports any virtual thread that parks while pinned; there must be none.
 */
class VirtualThreadsTest {

    @Test
    void waitingVirtualThreadsAreNeverPinned() throws Exception {
        Path dir = TestFiles.directory(VirtualThreadsTest.class);
        Path jfr = dir.resolve("pinning.jfr");
        List<RecordedEvent> pinned;
        try (AioContext aio = AioContext.builder().queueDepth(32).build();
                AioFile file = aio.open(dir.resolve("vt.bin"), StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE, AioOpenOption.DIRECT);
                Recording recording = new Recording()) {
            TestFiles.await(file.write(file.allocate(1 << 20), 0));
            recording.enable("jdk.VirtualThreadPinned").withThreshold(java.time.Duration.ZERO);
            recording.start();
            try (ExecutorService virtualThreads = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<Integer>> reads = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    int block = i % 256;
                    reads.add(virtualThreads.submit(() -> {
                        MemorySegment buffer = file.allocate(4096);
                        int total = 0;
                        for (int j = 0; j < 10; j++) { // blocking style: submit, then wait on the stage
                            total += file.read(buffer, block * 4096L).toCompletableFuture()
                                    .get(TestFiles.TIMEOUT_SECONDS, TimeUnit.SECONDS);
                        }
                        return total;
                    }));
                }
                for (Future<Integer> read : reads) {
                    assertEquals(40960, read.get(TestFiles.TIMEOUT_SECONDS, TimeUnit.SECONDS));
                }
            }
            recording.stop();
            recording.dump(jfr);
            pinned = RecordingFile.readAllEvents(jfr);
        }
        assertEquals(List.of(), pinned.stream().map(e -> e.getEventType().getName() + " "
                + e.getStackTrace()).toList(), "virtual threads pinned while waiting");
    }
}
