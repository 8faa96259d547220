package io.quarkiverse.aio.internal;

import static io.quarkiverse.aio.internal.linux.KernelAbi.EFD_CLOEXEC;
import static io.quarkiverse.aio.internal.linux.KernelAbi.EFD_NONBLOCK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.quarkiverse.aio.AioContext;
import io.quarkiverse.aio.AioFile;
import io.quarkiverse.aio.AioOpenOption;
import io.quarkiverse.aio.SubmitBatching;
import io.quarkiverse.aio.TestFiles;
import io.quarkiverse.aio.internal.linux.LibC;

/**
 * A gathering poller sends what its callbacks issue {@link Submitter#GATHERED} to an {@code io_submit}, not a whole
 * round at once: six writes issued by one callback go in with three calls.
 */
class GatheringTest {

    @Test
    void aCallbackThatIssuesSixWritesMakesThreeSubmits() throws Exception {
        Path dir = TestFiles.directory(GatheringTest.class);
        try (Arena arena = Arena.ofConfined();
                AioContext aio = AioContext.builder().submitBatching(SubmitBatching.ALWAYS).build();
                AioFile file = aio.open(dir.resolve("gathered.bin"), StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE, AioOpenOption.DIRECT)) {
            MemorySegment callState = LibC.allocateCallState(arena);
            int fd = LibC.eventfd(callState, 0, EFD_CLOEXEC | EFD_NONBLOCK);
            assertTrue(fd >= 0);
            try {
                MemorySegment block = file.allocate(4096);
                CompletableFuture<List<CompletionStage<Integer>>> issued = new CompletableFuture<>();
                aio.poll(fd, 1).thenRun(() -> { // on the poller, in a round of completions
                    List<CompletionStage<Integer>> writes = new ArrayList<>();
                    for (int i = 0; i < 6; i++) {
                        writes.add(file.write(block, i * 4096L));
                    }
                    issued.complete(writes);
                });
                long before = aio.statistics().ioSubmitCalls();
                MemorySegment one = arena.allocate(ValueLayout.JAVA_LONG);
                one.set(ValueLayout.JAVA_LONG, 0, 1);
                LibC.write(fd, one, 8);
                for (CompletionStage<Integer> write : issued.get(TestFiles.TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    assertEquals(4096, (int) TestFiles.await(write));
                }
                assertEquals(6 / Submitter.GATHERED, aio.statistics().ioSubmitCalls() - before,
                        "six writes gathered " + Submitter.GATHERED + " to a call");
            } finally {
                LibC.close(callState, fd);
            }
        }
    }
}
