package io.quarkiverse.aio.internal;

import java.lang.foreign.MemorySegment;

/**
 * Which kind of arena a segment comes from, as far as the library's buffer safety cares. The FFM API offers no public
 * way to ask, so the JDK's session classes are recognised by name; an unknown kind counts as closeable, the safe
 * answer.
 */
enum ArenaKind {
    /** {@code Arena.ofAuto()}: freed by the garbage collector only, so a reference keeps it alive. */
    AUTOMATIC(false),
    /** {@code Arena.global()}, or raw memory wrapped with {@code reinterpret}: never freed by the JDK. */
    GLOBAL(false),
    /** {@code Arena.ofConfined()}: can be closed, and accessed by its owner thread only. */
    CONFINED(true),
    /** {@code Arena.ofShared()} or an unknown kind: can be closed at any moment. */
    SHARED(true);

    final boolean closeable;

    ArenaKind(boolean closeable) {
        this.closeable = closeable;
    }

    /** A thread that owns no arena: a confined segment is not accessible by it (public API, unlike session names). */
    private static final Thread STRANGER = Thread.ofPlatform().unstarted(() -> {
    });

    static ArenaKind of(MemorySegment segment) {
        if (!segment.isAccessibleBy(STRANGER)) {
            return CONFINED;
        }
        return switch (segment.scope().getClass().getSimpleName()) {
            case "ImplicitSession" -> AUTOMATIC;
            case "GlobalSession" -> GLOBAL;
            default -> SHARED;
        };
    }
}
