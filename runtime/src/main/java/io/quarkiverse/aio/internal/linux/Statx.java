package io.quarkiverse.aio.internal.linux;

import static io.quarkiverse.aio.internal.linux.KernelAbi.*;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * {@code statx(2)}, called through {@code syscall(2)} with this architecture's number, as the AIO calls are: it does
 * not depend on the C library having a {@code statx} wrapper (glibc before 2.28, some musl builds lack one). One
 * {@code struct statx} buffer, filled by each call and read through the accessors.
 */
public final class Statx {

    private final MemorySegment buffer;
    private final MemorySegment emptyPath;

    /** A buffer from {@code arena}, which must outlive this object's use. */
    public Statx(Arena arena) {
        this.buffer = arena.allocate(STATX_SIZE_BYTES, 8);
        this.emptyPath = arena.allocateFrom("");
    }

    /** {@code statx(AT_FDCWD, path, flags, mask)}: 0, or -1 with errno in {@code callState}. */
    public int ofPath(MemorySegment callState, MemorySegment path, int flags, int mask) {
        return (int) LibC.syscall(callState, LinuxAio.arch().statx, AT_FDCWD, path.address(), flags, mask,
                buffer.address());
    }

    /** {@code statx(fd, "", AT_EMPTY_PATH, mask)}: 0, or -1 with errno in {@code callState}. */
    public int ofDescriptor(MemorySegment callState, int fd, int mask) {
        return (int) LibC.syscall(callState, LinuxAio.arch().statx, fd, emptyPath.address(), AT_EMPTY_PATH, mask,
                buffer.address());
    }

    /** {@code stx_mask}: which fields the kernel filled. */
    public int mask() {
        return buffer.get(JAVA_INT, STX_MASK);
    }

    /** The file type bits of {@code stx_mode}. */
    public int type() {
        return buffer.get(JAVA_SHORT, STX_MODE) & S_IFMT;
    }

    public long size() {
        return buffer.get(JAVA_LONG, STX_SIZE);
    }

    /** An int field at one of the {@code STX_*} offsets of {@link KernelAbi}. */
    public int intField(long offset) {
        return buffer.get(JAVA_INT, offset);
    }
}
