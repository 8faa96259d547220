package io.quarkiverse.aio;

import static io.quarkiverse.aio.TestFiles.await;
import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** AioBatch: everything in one io_submit when it fits, the rest queued in order, misuse refused clearly. */
class BatchTest {

    static final int BLOCK = 4096;
    final Path dir = TestFiles.directory(BatchTest.class);

    enum Backend {
        LINUX_AIO,
        THREAD_POOL;

        AioContext build(int depth) throws AioException {
            AioContext.Builder builder = AioContext.builder().queueDepth(depth);
            return (this == THREAD_POOL ? builder.fallback(AioFallback.FORCED_THREAD_POOL) : builder).build();
        }
    }

    static MemorySegment record(AioFile file, int n) {
        MemorySegment block = file.allocate(BLOCK).fill((byte) n);
        block.set(ValueLayout.JAVA_INT_UNALIGNED, 0, n);
        return block;
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aBatchOfWritesAndAFlushGoesInTogether(Backend backend) throws Exception {
        try (AioContext aio = backend.build(64);
                AioFile file = aio.open(dir.resolve("batch-" + backend + ".bin"), StandardOpenOption.CREATE,
                        StandardOpenOption.READ, StandardOpenOption.WRITE, AioOpenOption.DIRECT)) {
            long callsBefore = aio.statistics().ioSubmitCalls();
            AioBatch batch = aio.batch();
            List<CompletionStage<Integer>> writes = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                writes.add(batch.write(file, record(file, i), (long) i * BLOCK, RwFlags.DSYNC));
            }
            ByteBuffer direct = ByteBuffer.allocateDirect(2 * BLOCK).alignedSlice(BLOCK).limit(BLOCK);
            writes.add(batch.write(file, direct, 16L * BLOCK));
            CompletionStage<Void> flush = batch.fdatasync(file);
            assertEquals(18, batch.size());
            assertFalse(writes.get(0).toCompletableFuture().isDone(), "nothing goes in before submit");
            assertEquals(callsBefore, aio.statistics().ioSubmitCalls());

            batch.submit();
            for (CompletionStage<Integer> write : writes) {
                assertEquals(BLOCK, await(write));
            }
            await(flush);
            assertEquals(BLOCK, direct.position(), "a ByteBuffer's position moves as for a single write");
            if (backend == Backend.LINUX_AIO) {
                assertEquals(callsBefore + 1, aio.statistics().ioSubmitCalls(), "18 operations, one io_submit");
            }

            AioBatch reads = aio.batch();
            List<MemorySegment> buffers = new ArrayList<>();
            List<CompletionStage<Integer>> done = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                MemorySegment buffer = file.allocate(BLOCK);
                buffers.add(buffer);
                done.add(reads.read(file, buffer, (long) i * BLOCK));
            }
            ByteBuffer heap = ByteBuffer.allocate(BLOCK);
            done.add(reads.read(file, heap, 16L * BLOCK));
            reads.submit();
            for (int i = 0; i < 16; i++) {
                assertEquals(BLOCK, await(done.get(i)));
                assertEquals(-1, buffers.get(i).mismatch(record(file, i)), "block " + i);
            }
            assertEquals(BLOCK, await(done.get(16)));
            assertFalse(heap.hasRemaining());
        }
    }

    @Test
    void moreThanTheRingHoldsWaitsInOrder() throws Exception {
        try (AioContext aio = AioContext.builder().queueDepth(4).build();
                AioFile file = aio.open(dir.resolve("overflow.bin"), StandardOpenOption.CREATE,
                        StandardOpenOption.READ, StandardOpenOption.WRITE, AioOpenOption.DIRECT)) {
            AioBatch batch = aio.batch();
            List<CompletionStage<Integer>> writes = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                writes.add(batch.write(file, record(file, i), (long) i * BLOCK));
            }
            batch.submit();
            for (CompletionStage<Integer> write : writes) {
                assertEquals(BLOCK, await(write));
            }
            MemorySegment back = file.allocate(40 * BLOCK);
            assertEquals(40 * BLOCK, await(file.read(back, 0)));
            for (int i = 0; i < 40; i++) {
                assertEquals(i, back.get(ValueLayout.JAVA_INT_UNALIGNED, (long) i * BLOCK), "block " + i);
            }
            assertEquals(0, aio.statistics().queued());
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void misuseIsRefusedClearly(Backend backend) throws Exception {
        try (AioContext aio = backend.build(8); AioContext other = backend.build(8);
                AioFile file = aio.open(dir.resolve("misuse-" + backend + ".bin"), StandardOpenOption.CREATE,
                        StandardOpenOption.READ, StandardOpenOption.WRITE);
                AioFile foreign = other.open(dir.resolve("foreign-" + backend + ".bin"), StandardOpenOption.CREATE,
                        StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            AioBatch batch = aio.batch();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> batch.write(foreign, aio.allocate(8), 0));
            assertTrue(e.getMessage().contains("another AIO context"), e.getMessage());
            CompletionStage<Integer> write = batch.write(file, aio.allocate(8), 0);
            batch.submit();
            assertEquals(8, await(write));
            IllegalStateException again = assertThrows(IllegalStateException.class, batch::submit);
            assertTrue(again.getMessage().contains("submitted already"), again.getMessage());
            assertThrows(IllegalStateException.class, () -> batch.fsync(file), "a batch is used once");

            AioBatch closing = aio.batch();
            AioFile closed = aio.open(dir.resolve("closed-" + backend + ".bin"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            CompletionStage<Integer> late = closing.write(closed, aio.allocate(8), 0);
            CompletionStage<Integer> fine = closing.write(file, aio.allocate(8), 8);
            closed.close();
            closing.submit();
            assertInstanceOf(AioClosedException.class, TestFiles.failure(late), "its file closed before submit");
            assertEquals(8, await(fine), "the others go on");
        }
    }
}
