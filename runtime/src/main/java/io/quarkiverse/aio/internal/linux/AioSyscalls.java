package io.quarkiverse.aio.internal.linux;

import java.lang.foreign.MemorySegment;

/**
 * The five Linux AIO system calls as one seam: the engine calls the kernel only through an instance of this, so that
 * tests can put a wrapper in between that injects EAGAIN, EINTR, EBADF, EINVAL or partial submits deterministically.
 * Each method returns what the system call returns through glibc: a non-negative result, or -1 with errno in
 * {@code callState}.
 */
public interface AioSyscalls {

    /** The real kernel, through {@link LinuxAio}. */
    AioSyscalls KERNEL = new AioSyscalls() {
        @Override
        public long ioSetup(MemorySegment callState, int nrEvents, MemorySegment ctxp) {
            return LinuxAio.ioSetup(callState, nrEvents, ctxp);
        }

        @Override
        public long ioDestroy(MemorySegment callState, long ctx) {
            return LinuxAio.ioDestroy(callState, ctx);
        }

        @Override
        public long ioSubmit(MemorySegment callState, long ctx, long nr, long iocbpp) {
            return LinuxAio.ioSubmit(callState, ctx, nr, iocbpp);
        }

        @Override
        public long ioSubmitNoErrno(long ctx, long nr, long iocbpp) {
            return LinuxAio.ioSubmitNoErrno(ctx, nr, iocbpp);
        }

        @Override
        public long ioGetevents(MemorySegment callState, long ctx, long minNr, long nr, long events, long timeout) {
            return LinuxAio.ioGetevents(callState, ctx, minNr, nr, events, timeout);
        }

        @Override
        public long ioCancel(MemorySegment callState, long ctx, long iocb, long result) {
            return LinuxAio.ioCancel(callState, ctx, iocb, result);
        }
    };

    long ioSetup(MemorySegment callState, int nrEvents, MemorySegment ctxp);

    long ioDestroy(MemorySegment callState, long ctx);

    long ioSubmit(MemorySegment callState, long ctx, long nr, long iocbpp);

    /**
     * {@code io_submit} without errno, for the common path: -1 on failure, when nothing was queued; the caller then
     * asks again with {@link #ioSubmit} to learn why.
     */
    long ioSubmitNoErrno(long ctx, long nr, long iocbpp);

    long ioGetevents(MemorySegment callState, long ctx, long minNr, long nr, long events, long timeout);

    long ioCancel(MemorySegment callState, long ctx, long iocb, long result);
}
