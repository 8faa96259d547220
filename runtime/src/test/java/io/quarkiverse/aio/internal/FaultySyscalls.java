package io.quarkiverse.aio.internal;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.quarkiverse.aio.internal.linux.AioSyscalls;

/**
 * The real AIO system calls, with faults injected on {@code io_submit} on demand: the next N calls fail with a chosen
 * errno, or accept only the first iocb of a batch (a partial submit), optionally after a delay. Everything else goes
 * to the kernel as it is.
 */
final class FaultySyscalls implements AioSyscalls {

    private static final VarHandle ERRNO = Linker.Option.captureStateLayout().varHandle(groupElement("errno"));

    private final AtomicInteger failuresLeft = new AtomicInteger();
    private final AtomicInteger partialsLeft = new AtomicInteger();
    private volatile int errno;
    private volatile long delayMillis;
    /** Calls that reached the kernel, and batches of more than one iocb. */
    final AtomicLong submitted = new AtomicLong(), batches = new AtomicLong();
    /** The threads io_submit was called on; the io_cancel calls and the errno of the last one (0: accepted). */
    final java.util.Set<String> submitThreads = java.util.concurrent.ConcurrentHashMap.newKeySet();
    final AtomicLong cancels = new AtomicLong();
    volatile int lastCancelErrno = -1;
    private volatile int setupErrno;

    /** io_setup fails with {@code errno}: a kernel without AIO (ENOSYS), a seccomp profile (EPERM). */
    FaultySyscalls failSetup(int errno) {
        this.setupErrno = errno;
        return this;
    }

    /** The next {@code count} io_submit calls fail with {@code errno}, each after {@code delayMillis}. */
    FaultySyscalls fail(int count, int errno, long delayMillis) {
        this.errno = errno;
        this.delayMillis = delayMillis;
        failuresLeft.set(count);
        return this;
    }

    /** The next {@code count} io_submit calls of more than one iocb submit only the first. */
    FaultySyscalls partial(int count) {
        partialsLeft.set(count);
        return this;
    }

    private boolean failNow() {
        for (;;) {
            int left = failuresLeft.get();
            if (left <= 0) {
                return false;
            }
            if (failuresLeft.compareAndSet(left, left - 1)) {
                if (delayMillis > 0) {
                    try {
                        Thread.sleep(delayMillis);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return true;
            }
        }
    }

    @Override
    public long ioSubmitNoErrno(long ctx, long nr, long iocbpp) {
        if (failuresLeft.get() > 0) {
            return -1; // the engine asks again with errno: the failure is injected there
        }
        return submit(null, ctx, nr, iocbpp);
    }

    @Override
    public long ioSubmit(MemorySegment callState, long ctx, long nr, long iocbpp) {
        if (failNow()) {
            ERRNO.set(callState, 0L, errno);
            return -1;
        }
        return submit(callState, ctx, nr, iocbpp);
    }

    private long submit(MemorySegment callState, long ctx, long nr, long iocbpp) {
        if (nr > 1) {
            batches.incrementAndGet();
            if (partialsLeft.getAndDecrement() > 0) {
                nr = 1;
            }
        }
        submitted.incrementAndGet();
        submitThreads.add(Thread.currentThread().getName());
        return callState == null ? KERNEL.ioSubmitNoErrno(ctx, nr, iocbpp) : KERNEL.ioSubmit(callState, ctx, nr, iocbpp);
    }

    @Override
    public long ioSetup(MemorySegment callState, int nrEvents, MemorySegment ctxp) {
        if (setupErrno != 0) {
            ERRNO.set(callState, 0L, setupErrno);
            return -1;
        }
        return KERNEL.ioSetup(callState, nrEvents, ctxp);
    }

    @Override
    public long ioDestroy(MemorySegment callState, long ctx) {
        return KERNEL.ioDestroy(callState, ctx);
    }

    @Override
    public long ioGetevents(MemorySegment callState, long ctx, long minNr, long nr, long events, long timeout) {
        return KERNEL.ioGetevents(callState, ctx, minNr, nr, events, timeout);
    }

    @Override
    public long ioCancel(MemorySegment callState, long ctx, long iocb, long result) {
        long answer = KERNEL.ioCancel(callState, ctx, iocb, result);
        lastCancelErrno = answer == 0 ? 0 : (int) ERRNO.get(callState, 0L);
        cancels.incrementAndGet();
        return answer;
    }
}
