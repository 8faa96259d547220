package io.quarkiverse.aio.internal.linux;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * One thin wrapper per C call. Each returns what the C function returns (-1 on failure) and leaves errno in the
 * caller's capture segment, which the caller allocates once and reuses: wrappers never allocate.
 * <p>
 * This class holds method handles bound to C symbol addresses, so it must be initialized at run time in a native
 * image (the deployment module registers it), never baked into the image heap.
 */
public final class LibC {

    private static final MethodHandle SYSCALL_1 = NativeFunction.SYSCALL_1.link();
    private static final MethodHandle SYSCALL_2 = NativeFunction.SYSCALL_2.link();
    private static final MethodHandle SYSCALL_3 = NativeFunction.SYSCALL_3.link();
    private static final MethodHandle SYSCALL_3_NO_ERRNO = NativeFunction.SYSCALL_3_NO_ERRNO.link();
    private static final MethodHandle SYSCALL_5 = NativeFunction.SYSCALL_5.link();
    private static final MethodHandle OPEN = NativeFunction.OPEN.link();
    private static final MethodHandle CLOSE = NativeFunction.CLOSE.link();
    private static final MethodHandle FTRUNCATE = NativeFunction.FTRUNCATE.link();
    private static final MethodHandle FALLOCATE = NativeFunction.FALLOCATE.link();
    private static final MethodHandle FCNTL_LOCK = NativeFunction.FCNTL_LOCK.link();
    private static final MethodHandle EVENTFD = NativeFunction.EVENTFD.link();
    private static final MethodHandle WRITE = NativeFunction.WRITE.link();
    private static final MethodHandle READ = NativeFunction.READ.link();
    private static final MethodHandle POLL = NativeFunction.POLL.link();
    private static final MethodHandle POSIX_MEMALIGN = NativeFunction.POSIX_MEMALIGN.link();
    private static final MethodHandle SYSCONF = NativeFunction.SYSCONF.link();
    private static final MethodHandle CLOCK_GETTIME = NativeFunction.CLOCK_GETTIME.link();
    /** {@code _SC_PAGESIZE} of glibc and musl. */
    private static final int SC_PAGESIZE = 30;
    private static final long PAGE_SIZE = sysconf(SC_PAGESIZE);
    private static final MethodHandle CALLOC = NativeFunction.CALLOC.link();
    private static final MethodHandle FREE = NativeFunction.FREE.link();

    private static final MemoryLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(groupElement("errno"));

    private LibC() {
    }

    /** Allocates a segment to receive errno from the calls of one thread (or one slot) at a time. */
    public static MemorySegment allocateCallState(Arena arena) {
        return arena.allocate(CALL_STATE);
    }

    /** Bytes one capture segment takes (for slicing many out of one slab). */
    public static long callStateSize() {
        return CALL_STATE.byteSize();
    }

    /** errno as the last call that used {@code callState} left it. */
    public static int errno(MemorySegment callState) {
        return (int) ERRNO.get(callState, 0L);
    }

    public static long syscall(MemorySegment callState, long number, long a) {
        try {
            return (long) SYSCALL_1.invokeExact(callState, number, a);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static long syscall(MemorySegment callState, long number, long a, long b) {
        try {
            return (long) SYSCALL_2.invokeExact(callState, number, a, b);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static long syscall(MemorySegment callState, long number, long a, long b, long c) {
        try {
            return (long) SYSCALL_3.invokeExact(callState, number, a, b, c);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** A three-argument system call without errno: -1 says only that it failed. */
    public static long syscallNoErrno(long number, long a, long b, long c) {
        try {
            return (long) SYSCALL_3_NO_ERRNO.invokeExact(number, a, b, c);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static long syscall(MemorySegment callState, long number, long a, long b, long c, long d, long e) {
        try {
            return (long) SYSCALL_5.invokeExact(callState, number, a, b, c, d, e);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int open(MemorySegment callState, MemorySegment path, int flags, int mode) {
        try {
            return (int) OPEN.invokeExact(callState, path, flags, mode);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int close(MemorySegment callState, int fd) {
        try {
            return (int) CLOSE.invokeExact(callState, fd);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int ftruncate(MemorySegment callState, int fd, long length) {
        try {
            return (int) FTRUNCATE.invokeExact(callState, fd, length);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /**
     * Takes ({@code F_WRLCK}) or releases ({@code F_UNLCK}) an open file description lock on the whole file, without
     * waiting ({@code F_OFD_SETLK}, Linux 3.15+): -1 with EAGAIN or EACCES when another description holds it.
     */
    public static int wholeFileLock(MemorySegment callState, int fd, short type) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment lock = arena.allocate(KernelAbi.FLOCK_SIZE, 8); // zeroed: from offset 0, length 0 = to the end, l_pid 0
            lock.set(ValueLayout.JAVA_SHORT, KernelAbi.FLOCK_L_TYPE, type);
            lock.set(ValueLayout.JAVA_SHORT, KernelAbi.FLOCK_L_WHENCE, (short) KernelAbi.SEEK_SET);
            return (int) FCNTL_LOCK.invokeExact(callState, fd, KernelAbi.F_OFD_SETLK, lock);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int fallocate(MemorySegment callState, int fd, int mode, long offset, long length) {
        try {
            return (int) FALLOCATE.invokeExact(callState, fd, mode, offset, length);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static int eventfd(MemorySegment callState, int initval, int flags) {
        try {
            return (int) EVENTFD.invokeExact(callState, initval, flags);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static long write(int fd, MemorySegment buf, long count) {
        try {
            return (long) WRITE.invokeExact(fd, buf, count);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static long read(int fd, MemorySegment buf, long count) {
        try {
            return (long) READ.invokeExact(fd, buf, count);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code poll(fds, nfds, timeoutMillis)}: the number of ready descriptors, 0 on timeout, -1 with errno. */
    public static int poll(MemorySegment fds, long nfds, int timeoutMillis) {
        try {
            return (int) POLL.invokeExact(fds, nfds, timeoutMillis);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /**
     * {@code posix_memalign}: {@code size} bytes aligned to {@code alignment} (a power of two, a multiple of the
     * pointer size), or {@link MemorySegment#NULL} when there is no memory. Not zeroed; release with {@link #free}.
     */
    public static MemorySegment alignedAlloc(MemorySegment pointerCell, long alignment, long size) {
        try {
            int error = (int) POSIX_MEMALIGN.invokeExact(pointerCell, alignment, size);
            if (error != 0) {
                return MemorySegment.NULL;
            }
            return pointerCell.get(java.lang.foreign.ValueLayout.ADDRESS, 0).reinterpret(size);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static long sysconf(int name) {
        try {
            return (long) SYSCONF.invokeExact(name);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** The size of a memory page: 4 KiB on x86_64, 4, 16 or 64 KiB on aarch64. */
    public static long pageSize() {
        return PAGE_SIZE > 0 ? PAGE_SIZE : 4096;
    }

    /** {@code CLOCK_THREAD_CPUTIME_ID}: the CPU time of the calling thread. */
    public static final int CLOCK_THREAD_CPUTIME_ID = 3;

    /** {@code clock_gettime(clock, tp)} into a 16-byte timespec; nanoseconds, or -1 when the clock is unknown. */
    public static long clockNanos(int clock, MemorySegment timespec) {
        try {
            if ((int) CLOCK_GETTIME.invokeExact(clock, timespec) != 0) {
                return -1;
            }
            return timespec.get(java.lang.foreign.ValueLayout.JAVA_LONG, 0) * 1_000_000_000L
                    + timespec.get(java.lang.foreign.ValueLayout.JAVA_LONG, 8);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** Zeroed memory from the C heap, or {@link MemorySegment#NULL} when there is none. */
    public static MemorySegment calloc(long count, long size) {
        try {
            MemorySegment p = (MemorySegment) CALLOC.invokeExact(count, size);
            return p.equals(MemorySegment.NULL) ? p : p.reinterpret(count * size);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    public static void free(MemorySegment p) {
        try {
            FREE.invokeExact(p);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static Error unexpected(Throwable t) {
        // A downcall itself throws nothing checked; anything here is a linkage bug, not an I/O condition.
        if (t instanceof Error e) {
            throw e;
        }
        if (t instanceof RuntimeException r) {
            throw r;
        }
        return new AssertionError("unexpected exception from a native call", t);
    }
}
