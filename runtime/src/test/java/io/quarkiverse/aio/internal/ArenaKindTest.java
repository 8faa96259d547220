package io.quarkiverse.aio.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import org.junit.jupiter.api.Test;

/** The arena classification answers right on the running JDK: the buffer-safety policy depends on it. */
class ArenaKindTest {

    @Test
    void everyKindOfArena() {
        assertEquals(ArenaKind.AUTOMATIC, ArenaKind.of(Arena.ofAuto().allocate(8)));
        assertEquals(ArenaKind.GLOBAL, ArenaKind.of(Arena.global().allocate(8)));
        assertEquals(ArenaKind.GLOBAL, ArenaKind.of(MemorySegment.ofAddress(4096).reinterpret(8)));
        try (Arena confined = Arena.ofConfined(); Arena shared = Arena.ofShared()) {
            assertEquals(ArenaKind.CONFINED, ArenaKind.of(confined.allocate(8)));
            assertEquals(ArenaKind.SHARED, ArenaKind.of(shared.allocate(8)));
            assertEquals(ArenaKind.SHARED, ArenaKind.of(shared.allocate(64).asSlice(8, 8)), "a slice keeps its arena");
        }
    }
}
