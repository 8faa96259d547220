package io.quarkiverse.aio.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;

/** The arena classification answers right on the running JDK: the buffer-safety policy depends on it. */
class ArenaKindTest {

    @Test
    void everyKindOfArena() {
        assertEquals(ArenaKind.AUTOMATIC, ArenaKind.of(Arena.ofAuto().allocate(8)));
        assertEquals(ArenaKind.GLOBAL, ArenaKind.of(Arena.global().allocate(8)));
        assertEquals(ArenaKind.GLOBAL, ArenaKind.of(MemorySegment.ofAddress(4096).reinterpret(8)));
        assertEquals(ArenaKind.BUFFER, ArenaKind.of(MemorySegment.ofBuffer(ByteBuffer.allocateDirect(8))),
                "a direct ByteBuffer: the kernel may use it as it is");
        try (Arena confined = Arena.ofConfined(); Arena shared = Arena.ofShared()) {
            assertEquals(ArenaKind.CONFINED, ArenaKind.of(confined.allocate(8)));
            assertEquals(ArenaKind.SHARED, ArenaKind.of(shared.allocate(8)));
            assertEquals(ArenaKind.SHARED, ArenaKind.of(MemorySegment.ofBuffer(shared.allocate(8).asByteBuffer())),
                    "a ByteBuffer of a closeable arena stays closeable");
            assertEquals(ArenaKind.SHARED, ArenaKind.of(shared.allocate(64).asSlice(8, 8)), "a slice keeps its arena");
        }
    }
}
