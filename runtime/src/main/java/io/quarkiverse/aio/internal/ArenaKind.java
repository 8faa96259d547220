package io.quarkiverse.aio.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * Which kind of arena a segment comes from, as far as the library's buffer safety cares. The FFM API offers no public
 * way to ask, so the scope classes of an automatic and of the global arena are learnt from the running JVM when this
 * class is initialized (at run time in a native executable), and compared by identity: any other kind counts as
 * closeable, the safe answer.
 */
enum ArenaKind {
    /** {@code Arena.ofAuto()}: freed by the garbage collector only, so a reference keeps it alive. */
    AUTOMATIC(false),
    /** {@code Arena.global()}, or raw memory wrapped with {@code reinterpret}: never freed by the JDK. */
    GLOBAL(false),
    /**
     * A direct {@code ByteBuffer} the JDK allocated or mapped ({@code ByteBuffer.allocateDirect}): freed by the garbage
     * collector once the buffer is unreachable, and the segment keeps the buffer reachable.
     */
    BUFFER(false),
    /** {@code Arena.ofConfined()}: can be closed, and accessed by its owner thread only. */
    CONFINED(true),
    /** {@code Arena.ofShared()} or an unknown kind: can be closed at any moment. */
    SHARED(true);

    final boolean closeable;

    ArenaKind(boolean closeable) {
        this.closeable = closeable;
    }

    private static final Class<?> AUTOMATIC_SCOPE = Arena.ofAuto().allocate(1).scope().getClass();
    private static final Class<?> GLOBAL_SCOPE = MemorySegment.NULL.scope().getClass();
    private static final Class<?> BUFFER_SCOPE = MemorySegment.ofBuffer(ByteBuffer.allocateDirect(1)).scope().getClass();
    /** A thread that owns no arena: a confined segment is not accessible by it (public API, unlike scope classes). */
    private static final Thread STRANGER = Thread.ofPlatform().unstarted(() -> {
    });

    static ArenaKind of(MemorySegment segment) {
        Class<?> scope = segment.scope().getClass();
        if (scope == AUTOMATIC_SCOPE) {
            return AUTOMATIC;
        }
        if (scope == GLOBAL_SCOPE) {
            return GLOBAL;
        }
        if (scope == BUFFER_SCOPE && segment.isNative()) {
            return BUFFER;
        }
        return segment.isAccessibleBy(STRANGER) ? SHARED : CONFINED;
    }
}
