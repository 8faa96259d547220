package io.quarkiverse.aio.internal.linux;

import java.lang.foreign.MemorySegment;

/**
 * The five Linux AIO system calls, through {@code syscall(2)} with this architecture's numbers. Each returns what
 * the raw system call returns through glibc: a non-negative result, or -1 with errno in {@code callState}.
 * <p>
 * Contexts are passed as {@code aio_context_t} values. The caller must guarantee that a context is live: the
 * kernel may crash the process on a destroyed one ({@code io_getevents(2)}, BUGS).
 */
public final class LinuxAio {

    private static final Arch ARCH = Arch.current()
            .orElseThrow(() -> new UnsupportedOperationException("Linux AIO needs Linux on x86_64 or aarch64"));

    private LinuxAio() {
    }

    public static Arch arch() {
        return ARCH;
    }

    /** {@code io_setup(nr_events, ctxp)}: writes the new context into {@code ctxp} (8 bytes, zeroed before). */
    public static long ioSetup(MemorySegment callState, int nrEvents, MemorySegment ctxp) {
        return LibC.syscall(callState, ARCH.ioSetup, nrEvents, ctxp.address());
    }

    /** {@code io_destroy(ctx)}: cancels what it can and waits for every operation in flight. */
    public static long ioDestroy(MemorySegment callState, long ctx) {
        return LibC.syscall(callState, ARCH.ioDestroy, ctx);
    }

    /** {@code io_submit(ctx, nr, iocbpp)}: the number of iocbs accepted, which may be fewer than {@code nr}. */
    public static long ioSubmit(MemorySegment callState, long ctx, long nr, long iocbpp) {
        return LibC.syscall(callState, ARCH.ioSubmit, ctx, nr, iocbpp);
    }

    /** {@code io_submit} without errno: -1 on failure, and nothing was queued (ask again with errno to learn why). */
    public static long ioSubmitNoErrno(long ctx, long nr, long iocbpp) {
        return LibC.syscallNoErrno(ARCH.ioSubmit, ctx, nr, iocbpp);
    }

    /** {@code io_getevents(ctx, min_nr, nr, events, timeout)}; {@code timeout} 0 means wait without limit. */
    public static long ioGetevents(MemorySegment callState, long ctx, long minNr, long nr, long events, long timeout) {
        return LibC.syscall(callState, ARCH.ioGetevents, ctx, minNr, nr, events, timeout);
    }

    /** {@code io_cancel(ctx, iocb, result)} */
    public static long ioCancel(MemorySegment callState, long ctx, long iocb, long result) {
        return LibC.syscall(callState, ARCH.ioCancel, ctx, iocb, result);
    }
}
