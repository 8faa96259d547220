package io.quarkiverse.aio.mutiny;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.quarkiverse.aio.AioContext;
import io.quarkiverse.aio.AioFile;
import io.quarkiverse.aio.AioOpenOption;
import io.quarkiverse.aio.TestFiles;
import io.smallrye.mutiny.Uni;

class UniAioFileTest {

    static final Duration TIMEOUT = Duration.ofSeconds(TestFiles.TIMEOUT_SECONDS);

    @Test
    void unisAreLazyAndCarryResults() throws Exception {
        Path path = TestFiles.directory(UniAioFileTest.class).resolve("uni.bin");
        try (AioContext aio = AioContext.builder().queueDepth(8).build();
                AioFile file = aio.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE, AioOpenOption.DIRECT)) {
            UniAioFile uni = UniAioFile.of(file);
            MemorySegment out = file.allocate(4096);
            out.fill((byte) 3);
            Uni<Integer> write = uni.write(out, 0).call(n -> uni.fsync());
            assertEquals(0, Files.size(path), "nothing happens before subscription");
            assertEquals(4096, write.await().atMost(TIMEOUT));
            assertEquals(4096, Files.size(path));

            MemorySegment in = file.allocate(4096);
            assertEquals(4096, uni.read(in, 0).await().atMost(TIMEOUT));
            assertEquals(3, in.get(ValueLayout.JAVA_BYTE, 4095));
            assertEquals(4096L, uni.read(new MemorySegment[] { in }, 0).await().atMost(TIMEOUT));

            // Failures arrive as failures, typed (await() wraps checked exceptions, as Mutiny always does).
            file.close();
            assertInstanceOf(io.quarkiverse.aio.AioClosedException.class,
                    uni.read(in, 0).map(n -> (Throwable) null).onFailure().recoverWithItem(e -> e).await()
                            .atMost(TIMEOUT));
        }
    }
}
