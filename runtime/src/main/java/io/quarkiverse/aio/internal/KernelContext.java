package io.quarkiverse.aio.internal;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import org.jboss.logging.Logger;

import io.quarkiverse.aio.AioException;
import io.quarkiverse.aio.internal.linux.AioSyscalls;
import io.quarkiverse.aio.internal.linux.LibC;

/**
 * One kernel AIO context ({@code aio_context_t}) and the rule that keeps the process alive: the kernel may crash the
 * process when io_submit, io_getevents or io_cancel is given a destroyed context ({@code io_getevents(2)}, BUGS), and
 * the completion ring mapped at the context's address disappears with it. So every use, system call or ring read,
 * happens inside {@link #enter()}/{@link #exit()}, and {@link #destroy()} shuts that gate for good and waits for the
 * last user to leave before it calls io_destroy.
 */
final class KernelContext {

    private static final Logger LOG = Logger.getLogger(KernelContext.class);

    final long ctx;
    final AioSyscalls syscalls;
    private final UsageGate gate = new UsageGate();

    private KernelContext(long ctx, AioSyscalls syscalls) {
        this.ctx = ctx;
        this.syscalls = syscalls;
    }

    /** {@code io_setup(nrEvents)}. */
    static KernelContext create(AioSyscalls syscalls, int nrEvents, int queueDepth) throws AioException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment callState = LibC.allocateCallState(arena);
            MemorySegment ctxp = arena.allocate(JAVA_LONG); // zeroed, as io_setup requires
            if (syscalls.ioSetup(callState, nrEvents, ctxp) < 0) {
                throw Failures.ioSetup(LibC.errno(callState), queueDepth);
            }
            return new KernelContext(ctxp.get(JAVA_LONG, 0), syscalls);
        }
    }

    /** Starts a use of the context; false once it is being destroyed (do not touch it then). */
    boolean enter() {
        return gate.enter();
    }

    void exit() {
        gate.exit();
    }

    long submit(MemorySegment callState, long nr, long iocbpp) {
        return syscalls.ioSubmit(callState, ctx, nr, iocbpp);
    }

    /** io_submit without errno: -1 on failure, with nothing queued (then {@link #submit} tells why). */
    long submitNoErrno(long nr, long iocbpp) {
        return syscalls.ioSubmitNoErrno(ctx, nr, iocbpp);
    }

    long getevents(MemorySegment callState, long minNr, long nr, long events, long timeout) {
        return syscalls.ioGetevents(callState, ctx, minNr, nr, events, timeout);
    }

    long cancel(MemorySegment callState, long iocb, long result) {
        return syscalls.ioCancel(callState, ctx, iocb, result);
    }

    /**
     * Shuts the gate for good and waits until no thread is inside (a submitter blocked in io_submit, as a buffered or
     * FUSE read is, holds it until the kernel is done). Afterwards only the caller may use the context, once more:
     * see {@link #lastUse()}, then {@link #destroy()}.
     */
    void shut() {
        gate.closeAndAwaitIdle();
    }

    /** Whether the gate is shut and empty: the one thread tearing down may then use the context without it. */
    boolean lastUse() {
        return gate.isIdleAfterClose();
    }

    /** io_destroy, after {@link #shut()}; it waits for the operations still in the kernel. */
    void destroy() {
        shut();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment callState = LibC.allocateCallState(arena);
            if (syscalls.ioDestroy(callState, ctx) < 0) {
                LOG.warnf("io_destroy failed: %s", Failures.errnoText(LibC.errno(callState)));
            }
        }
    }
}
