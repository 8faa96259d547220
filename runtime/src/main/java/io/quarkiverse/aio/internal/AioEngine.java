package io.quarkiverse.aio.internal;

import static io.quarkiverse.aio.internal.linux.KernelAbi.*;
import static java.lang.foreign.ValueLayout.*;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.FileSystems;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.ReentrantLock;

import org.jboss.logging.Logger;

import io.quarkiverse.aio.AioClosedException;
import io.quarkiverse.aio.AioContext;
import io.quarkiverse.aio.AioException;
import io.quarkiverse.aio.AioFile;
import io.quarkiverse.aio.AioUnavailableException;
import io.quarkiverse.aio.CloseableArenaBuffers;
import io.quarkiverse.aio.internal.linux.Arch;
import io.quarkiverse.aio.internal.linux.Errno;
import io.quarkiverse.aio.internal.linux.LibC;
import io.quarkiverse.aio.internal.linux.LinuxAio;

/**
 * A kernel AIO context, its slot table and its completion poller.
 * <p>
 * <b>Slots.</b> Each operation in the kernel owns one of {@code queueDepth} slots: an iocb, a pointer to it and an
 * errno cell, all preallocated; the slot index travels in {@code aio_data} and comes back in the completion. When
 * every slot is taken, operations wait in {@link #pending} and the poller submits them as slots free up.
 * <p>
 * <b>Lifecycle.</b> The kernel may crash the process when {@code io_submit} or {@code io_getevents} is given a
 * destroyed context. So only the poller thread calls {@code io_getevents}, and it alone destroys the context once
 * it has stopped polling and {@link #syscallGate} has shut out every thread that could still call
 * {@code io_submit}. Native memory is freed only after that too.
 */
public final class AioEngine implements AioContext {

    private static final Logger LOG = Logger.getLogger(AioEngine.class);

    /**
     * How long an idle poller sleeps in io_getevents before it looks at the context's state again. close() wakes it
     * at once through an eventfd, so this is a safety net; without the eventfd it bounds how long close() waits.
     */
    private static final long IDLE_WAKE_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long IDLE_WAKE_NANOS_WITHOUT_EVENTFD = TimeUnit.MILLISECONDS.toNanos(100);
    private static final int OPEN = 0, CLOSING = 1, CLOSED = 2;
    private static final int POLLER_NOT_STARTED = 0, POLLER_RUNNING = 1, POLLER_DONE = 2;

    private final long ctx;
    private final int depth;
    /** The slot whose iocb polls {@link #wakeFd}: one past the operation slots, so it costs users no depth. */
    private final int wakeSlot;
    /** An eventfd the poller's IOCB_CMD_POLL watches; -1 when it could not be made. */
    private final int wakeFd;
    private volatile boolean wakeArmed;
    /** The eventfd signalled on every completion for the user's own event loop (IOCB_FLAG_RESFD), or -1. */
    private final int userEventFd;
    private final Duration shutdownTimeout;
    private final Executor completionExecutor;
    private final boolean trustCloseableArenas;
    private final boolean batchPollerSubmits;
    /** Runs RWF_NOWAIT retries, which may block in io_submit: never the poller. */
    private final Executor retryExecutor;
    private final java.util.concurrent.atomic.LongAdder nowaitRetries = new java.util.concurrent.atomic.LongAdder();
    private static final int RWF_NOWAIT = io.quarkiverse.aio.RwFlags.NOWAIT.bits();
    private final Arch arch;

    // Native memory, from calloc so that it is freed at a known moment (teardown), not by the GC.
    private final MemorySegment iocbs;
    private final MemorySegment iocbPointers;
    private final MemorySegment events;
    private final MemorySegment callStates;
    private final MemorySegment timeout;
    /** errno cell of each slot (used by the thread that submits into the slot) and, last, the poller's. */
    private final MemorySegment[] slotCallState;
    private final MemorySegment pollerCallState;

    private final ReentrantLock lock = new ReentrantLock();
    // Guarded by lock:
    private final Operation<?>[] slots;
    private final int[] freeSlots;
    private int freeCount;
    private final ArrayDeque<Operation<?>> pending = new ArrayDeque<>();
    private volatile int state = OPEN;
    private long closeDeadline;

    /** Threads inside io_submit; closed (for good) before io_destroy. */
    private final UsageGate syscallGate = new UsageGate();
    private final AtomicInteger pollerPhase = new AtomicInteger(POLLER_NOT_STARTED);
    private final CountDownLatch terminated = new CountDownLatch(1);
    private volatile Thread pollerThread;
    private volatile Thread teardownThread;
    /** Operations submitted (or being submitted) and not yet reaped: the kernel will complete them. */
    private final AtomicInteger inKernel = new AtomicInteger();
    /** Per slot, how many parties still hold it (see {@link #letGo}). */
    private final AtomicIntegerArray slotHolds;
    private final Set<EngineFile> openFiles = ConcurrentHashMap.newKeySet();
    /** The kernel's completion ring, read without system calls; null when forced to use io_getevents only. */
    private final CompletionRing ring;
    /** Poller-owned: whether the short io_getevents timeout of the closing phase is in place. */
    private boolean closingTimeoutSet;
    /** Poller-owned counters, read racily for statistics. */
    private long ioGeteventsCalls, ringEvents;
    /** Poller-owned scratch: operations reaped in one io_getevents call. */
    private final Operation<?>[] reaped;
    /** Poller-owned scratch: the operations, slots and iocb pointers of one batched io_submit. */
    private final Operation<?>[] batch;
    private final int[] batchSlots;
    private final MemorySegment batchPointers;

    private AioEngine(long ctx, int depth, int wakeFd, int userEventFd, Duration shutdownTimeout,
            Executor completionExecutor,
            Executor retryExecutor,
            CloseableArenaBuffers closeableArenaBuffers, boolean userspaceReap, boolean batchPollerSubmits, Arch arch)
            throws AioException {
        this.ctx = ctx;
        this.depth = depth;
        this.wakeSlot = depth;
        this.wakeFd = wakeFd;
        this.userEventFd = userEventFd;
        this.shutdownTimeout = shutdownTimeout;
        this.completionExecutor = completionExecutor;
        this.retryExecutor = retryExecutor;
        this.trustCloseableArenas = closeableArenaBuffers == CloseableArenaBuffers.TRUST;
        this.ring = userspaceReap ? CompletionRing.of(ctx) : null;
        this.batchPollerSubmits = batchPollerSubmits;
        this.arch = arch;
        long stateSize = LibC.callStateSize();
        this.iocbs = calloc(depth + 1, IOCB.byteSize());
        this.iocbPointers = calloc(depth + 1, ADDRESS.byteSize());
        this.events = calloc(depth + 1, IO_EVENT.byteSize());
        this.callStates = calloc(depth + 1, stateSize);
        this.timeout = calloc(1, TIMESPEC.byteSize());
        this.batchPointers = calloc(depth, ADDRESS.byteSize());
        if (iocbs == null || iocbPointers == null || events == null || callStates == null || timeout == null
                || batchPointers == null) {
            freeNativeMemory();
            throw new AioException("not enough native memory for an AIO context of queue depth " + depth,
                    Errno.ENOMEM, null);
        }
        this.slotCallState = new MemorySegment[depth];
        for (int i = 0; i <= depth; i++) {
            iocbPointers.setAtIndex(JAVA_LONG, i, iocbs.address() + i * IOCB.byteSize());
        }
        for (int i = 0; i < depth; i++) {
            slotCallState[i] = callStates.asSlice(i * stateSize, stateSize);
        }
        this.pollerCallState = callStates.asSlice(depth * stateSize, stateSize);
        this.slots = new Operation<?>[depth];
        this.slotHolds = new AtomicIntegerArray(depth);
        this.reaped = new Operation<?>[depth + 1];
        this.batch = new Operation<?>[depth];
        this.batchSlots = new int[depth];
        this.freeSlots = new int[depth];
        for (int i = 0; i < depth; i++) {
            freeSlots[i] = depth - 1 - i;
        }
        this.freeCount = depth;
    }

    /** Creates the kernel context ({@code io_setup}) and starts the poller on {@code pollerExecutor}. */
    public static AioEngine start(int depth, Duration shutdownTimeout, Executor pollerExecutor,
            Executor completionExecutor, CloseableArenaBuffers closeableArenaBuffers, boolean userspaceReap,
            boolean batchPollerSubmits, boolean completionEventFd) throws AioException {
        Arch arch = Arch.current().orElseThrow(() -> new AioUnavailableException("Linux AIO needs Linux on x86_64 or"
                + " aarch64; this JVM runs on " + System.getProperty("os.name") + " " + System.getProperty("os.arch"),
                0, null));
        long ctx;
        int wakeFd;
        int userEventFd = -1;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment callState = LibC.allocateCallState(arena);
            MemorySegment ctxp = arena.allocate(JAVA_LONG); // zeroed, as io_setup requires
            if (LinuxAio.ioSetup(callState, depth + 1, ctxp) < 0) { // + 1: the poller's wake-up poll
                throw Failures.ioSetup(LibC.errno(callState), depth);
            }
            ctx = ctxp.get(JAVA_LONG, 0);
            if (completionEventFd) {
                userEventFd = LibC.eventfd(callState, 0, EFD_CLOEXEC | EFD_NONBLOCK);
                if (userEventFd < 0) {
                    int errno = LibC.errno(callState);
                    destroyContext(ctx);
                    throw new AioException("eventfd for completion notification failed: " + Failures.errnoText(errno),
                            errno, "eventfd");
                }
            }
            wakeFd = LibC.eventfd(callState, 0, EFD_CLOEXEC | EFD_NONBLOCK);
            if (wakeFd < 0) {
                LOG.debugf("eventfd failed (%s): close() will wait up to %d ms for the poller",
                        Failures.errnoText(LibC.errno(callState)), IDLE_WAKE_NANOS_WITHOUT_EVENTFD / 1_000_000);
            }
        }
        AioEngine engine;
        try {
            // Never the poller's executor: a retry may block in io_submit, and a one-thread poller executor would
            // never run it.
            Executor retries = completionExecutor != null ? completionExecutor
                    : java.util.concurrent.ForkJoinPool.commonPool();
            engine = new AioEngine(ctx, depth, wakeFd, userEventFd, shutdownTimeout, completionExecutor, retries,
                    closeableArenaBuffers, userspaceReap, batchPollerSubmits, arch);
        } catch (AioException | RuntimeException | Error e) {
            destroyContext(ctx);
            closeDescriptor(wakeFd);
            closeDescriptor(userEventFd);
            throw e;
        }
        engine.armWakeUp();
        Executor executor = pollerExecutor != null ? pollerExecutor
                : task -> Thread.ofPlatform().name("aio-poller").daemon(true).start(task);
        try {
            executor.execute(engine::poll);
        } catch (Throwable e) {
            engine.close(); // the poller never started: close() tears down on this thread
            throw new AioException("the poller executor could not run the completion poller: " + e, 0, null);
        }
        return engine;
    }

    /**
     * Submits an IOCB_CMD_POLL on the eventfd (Linux 4.18+), so that a write to it makes io_getevents return at
     * once. Without it the poller still stops, at its next idle timeout.
     */
    private void armWakeUp() {
        int errno = 0;
        if (wakeFd >= 0) {
            long base = wakeSlot * IOCB.byteSize();
            iocbs.set(JAVA_LONG, base + IOCB_DATA, wakeSlot);
            iocbs.set(JAVA_SHORT, base + IOCB_OPCODE, IOCB_CMD_POLL);
            iocbs.set(JAVA_INT, base + IOCB_FILDES, wakeFd);
            iocbs.set(JAVA_LONG, base + IOCB_BUF, POLLIN); // the poll event mask
            long pointer = iocbPointers.address() + wakeSlot * ADDRESS.byteSize();
            if (LinuxAio.ioSubmit(pollerCallState, ctx, 1, pointer) == 1) {
                wakeArmed = true;
            } else {
                errno = LibC.errno(pollerCallState);
            }
        }
        long idle = wakeArmed ? IDLE_WAKE_NANOS : IDLE_WAKE_NANOS_WITHOUT_EVENTFD;
        timeout.set(JAVA_LONG, 0, idle / 1_000_000_000L);
        timeout.set(JAVA_LONG, 8, idle % 1_000_000_000L);
        if (!wakeArmed && wakeFd >= 0) {
            LOG.debugf("IOCB_CMD_POLL is not available (%s): close() will wait up to %d ms for the poller",
                    Failures.errnoText(errno), idle / 1_000_000);
        }
    }

    /** Makes a poller blocked in io_getevents return, by completing its poll on the eventfd. */
    private void wakePoller() {
        if (!wakeArmed || !syscallGate.enter()) {
            return; // nothing to wake, or the teardown is already under way (and may have closed the eventfd)
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment one = arena.allocate(JAVA_LONG);
            one.set(JAVA_LONG, 0, 1L);
            LibC.write(LibC.allocateCallState(arena), wakeFd, one, JAVA_LONG.byteSize());
        } finally {
            syscallGate.exit();
        }
    }

    private static void closeDescriptor(int fd) {
        if (fd >= 0) {
            try (Arena arena = Arena.ofConfined()) {
                LibC.close(LibC.allocateCallState(arena), fd);
            }
        }
    }

    private static MemorySegment calloc(long count, long size) {
        MemorySegment p = LibC.calloc(count, size);
        return p.equals(MemorySegment.NULL) ? null : p;
    }

    private static void destroyContext(long ctx) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment callState = LibC.allocateCallState(arena);
            if (LinuxAio.ioDestroy(callState, ctx) < 0) {
                LOG.warnf("io_destroy failed: %s", Failures.errnoText(LibC.errno(callState)));
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- public API

    @Override
    public AioFile open(Path path, OpenOption... options) throws IOException {
        Objects.requireNonNull(path, "path");
        if (path.getFileSystem() != FileSystems.getDefault()) {
            throw new IllegalArgumentException(path + " is not on the default file system");
        }
        OpenFlags flags = OpenFlags.of(arch, options);
        String name = path.toString();
        if (name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("path contains a NUL character");
        }
        if (state != OPEN) {
            throw new AioClosedException("the AIO context is closed; cannot open " + path);
        }
        EngineFile file = FileOpener.open(this, path, flags);
        openFiles.add(file);
        if (state != OPEN) {
            // Raced with close(): the teardown may not have seen this file.
            file.close();
            throw new AioClosedException("the AIO context is closed; cannot open " + path);
        }
        return file;
    }

    @Override
    public MemorySegment allocate(long byteSize) {
        return Arena.ofAuto().allocate(byteSize, 4096);
    }

    @Override
    public int queueDepth() {
        return depth;
    }

    @Override
    public boolean isOpen() {
        return state == OPEN;
    }

    @Override
    public CompletionStage<Integer> poll(int fd, int events) {
        if (fd < 0) {
            throw new IllegalArgumentException("negative file descriptor: " + fd);
        }
        if (events == 0) {
            throw new IllegalArgumentException("no poll events to wait for");
        }
        EngineFile borrowed = EngineFile.borrowed(this, fd);
        return submit(new Operation<Integer>(borrowed, IOCB_CMD_POLL, null, events & 0xffffffffL, 0, 0,
                Operation.INT_RESULT));
    }

    @Override
    public java.util.OptionalInt completionEventFd() {
        return userEventFd >= 0 ? java.util.OptionalInt.of(userEventFd) : java.util.OptionalInt.empty();
    }

    @Override
    public boolean cancel(CompletionStage<?> stage) {
        if (!(stage instanceof Operation<?> op) || op.file.engine() != this) {
            return false;
        }
        if (!syscallGate.enter()) {
            return false; // closing: the teardown completes everything
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment callState = LibC.allocateCallState(arena);
            MemorySegment result = arena.allocate(IO_EVENT);
            lock.lock();
            try {
                if (pending.remove(op)) {
                    op.buffer = null;
                    op.file.release();
                    op.failure = new CancellationException(op.describe() + " was cancelled before it was submitted");
                } else if (op.slot >= 0 && slots[op.slot] == op) {
                    // Under the lock, so that the slot cannot be reaped and given to another operation meanwhile;
                    // io_cancel does not block. Since Linux 4.19 a cancelled operation's event arrives through the
                    // ring and io_cancel answers EINPROGRESS; file reads and writes cannot be cancelled (EINVAL).
                    op.cancelAccepted = true; // before the call: its completion may be reaped right after
                    long iocb = iocbPointers.getAtIndex(JAVA_LONG, op.slot);
                    op.cancelAccepted = LinuxAio.ioCancel(callState, ctx, iocb, result.address()) == 0
                            || LibC.errno(callState) == Errno.EINPROGRESS;
                    return op.cancelAccepted;
                } else {
                    return false; // completed, or completing
                }
            } finally {
                lock.unlock();
            }
        } finally {
            syscallGate.exit();
        }
        failWithoutKernel(op); // taken out of the queue: its stage fails with the CancellationException
        return true;
    }

    /** Operations in the kernel or being submitted into it. */
    public int inFlight() {
        lock.lock();
        try {
            return depth - freeCount;
        } finally {
            lock.unlock();
        }
    }

    /** Operations waiting in Java for a free slot. */
    public int queued() {
        lock.lock();
        try {
            return pending.size();
        } finally {
            lock.unlock();
        }
    }

    /** Whether the kernel may use {@code segment} itself, or must go through library memory (see the policy). */
    boolean mayUseDirectly(MemorySegment segment) {
        return trustCloseableArenas || !ArenaKind.of(segment).closeable;
    }

    /** Poller figures, for benchmarks: io_getevents calls, and completions read from the ring without one. */
    public record PollerStatistics(long ioGeteventsCalls, long ringEvents, boolean userspaceReap) {
    }

    public PollerStatistics pollerStatistics() {
        return new PollerStatistics(ioGeteventsCalls, ringEvents, ring != null);
    }

    /** Receives the timing of every completion, for metrics; set once, read on the hot path. */
    public interface CompletionObserver {
        /**
         * @param queuedNanos from the call that submitted it until it entered the kernel
         * @param totalNanos from the call until its completion was collected
         * @param failed whether it completed with an error
         */
        void completed(long queuedNanos, long totalNanos, boolean failed);
    }

    private volatile CompletionObserver observer;
    /** Captures, per operation, the caller's executor to complete on (a Vert.x context); null: no capture. */
    private volatile java.util.function.Supplier<Executor> callerExecutor;

    /** See {@link AioContext.Builder#callerExecutor}. */
    public void resumeOn(java.util.function.Supplier<Executor> callerExecutor) {
        this.callerExecutor = callerExecutor;
    }
    private final java.util.concurrent.atomic.LongAdder submittedCount = new java.util.concurrent.atomic.LongAdder();

    /** Starts timing operations for {@code observer} (metrics); null stops. */
    public void observe(CompletionObserver observer) {
        this.observer = observer;
    }

    /** Operations accepted since the context started. */
    public long submittedCount() {
        return submittedCount.sum();
    }

    /** Whether the completion poller has not stopped (it may still be starting on its executor). */
    public boolean pollerAlive() {
        return pollerPhase.get() != POLLER_DONE && terminated.getCount() > 0;
    }

    /** Operations retried without RWF_NOWAIT after the kernel answered EAGAIN. */
    public long nowaitRetries() {
        return nowaitRetries.sum();
    }

    void forget(EngineFile file) {
        openFiles.remove(file);
    }

    // -------------------------------------------------------------------------------------------- submission

    /** What {@link #submitInSlot} did with an operation. */
    private static final int IN_KERNEL = 0, REQUEUED = 1, SLOT_FREED = 2;

    <T> Operation<T> submit(Operation<T> op) {
        if (!op.file.acquire()) {
            op.failClosed(op.file.path() + " is closed");
            return op;
        }
        submittedCount.increment();
        java.util.function.Supplier<Executor> capture = callerExecutor;
        if (capture != null) {
            op.resumeOn = capture.get();
        }
        if (observer != null) {
            op.submittedNanos = System.nanoTime();
        }
        return enqueue(op);
    }

    /**
     * Submits an accepted operation again (an RWF_NOWAIT retry): it keeps its file reference, its caller's context
     * and its timestamps, and is not counted twice.
     */
    private void resubmit(Operation<?> op) {
        enqueue(op);
    }

    /** Gives an accepted operation (holding a file reference) a slot, or queues it. */
    private <T> Operation<T> enqueue(Operation<T> op) {
        int slot;
        lock.lock();
        try {
            if (state != OPEN) {
                slot = -1;
            } else if (freeCount > 0 && pending.isEmpty() && !(batchPollerSubmits && onPoller())) {
                slot = takeSlot(op, 2); // held by the completion and by this thread until io_submit returns
            } else {
                pending.addLast(op);
                return op;
            }
        } finally {
            lock.unlock();
        }
        if (slot < 0) {
            op.file.release();
            op.failure = Operation.closed(op, "the AIO context is closed");
            failWithoutKernel(op);
            return op;
        }
        if (submitInSlot(slot, op) == SLOT_FREED) {
            submitPending();
        }
        return op;
    }

    /**
     * Whether this thread is the poller, running a completion: what it submits then waits until the current batch of
     * completions is dispatched, and goes to the kernel with the others in one io_submit.
     */
    private boolean onPoller() {
        return Thread.currentThread() == pollerThread;
    }

    /** Gives a free slot to {@code op}, to be released after {@code holders} let go of it. Under the lock. */
    private int takeSlot(Operation<?> op, int holders) {
        int slot = freeSlots[--freeCount];
        slots[slot] = op;
        op.slot = slot;
        slotHolds.set(slot, holders);
        return slot;
    }

    /**
     * One holder of a slot lets go; the last one returns it to the free list. A slot filled on a caller thread has
     * two holders, the completion and the caller until its io_submit returns: the slot's errno cell must not pass to
     * another thread while the downcall that captures errno into it is still running.
     */
    private boolean letGo(int slot) {
        if (slotHolds.decrementAndGet(slot) != 0) {
            return false;
        }
        lock.lock();
        try {
            freeSlots[freeCount++] = slot;
        } finally {
            lock.unlock();
        }
        return true;
    }

    /** Moves queued operations into free slots, one io_submit each; runs on a caller that freed a slot. */
    private void submitPending() {
        for (;;) {
            Operation<?> op;
            int slot;
            lock.lock();
            try {
                if (state != OPEN || freeCount == 0 || pending.isEmpty()) {
                    return;
                }
                op = pending.pollFirst();
                slot = takeSlot(op, 2);
            } finally {
                lock.unlock();
            }
            if (submitInSlot(slot, op) == REQUEUED) {
                return; // the kernel is short of room: the poller retries after its next completion
            }
        }
    }

    /**
     * The poller's way to move queued operations into the slots its completions freed: one io_submit for all that
     * fit, continued where the kernel stopped when it accepts only some (a partial submit).
     */
    private void submitPendingInBatches() {
        for (;;) {
            int count;
            lock.lock();
            try {
                count = state == OPEN ? Math.min(freeCount, pending.size()) : 0;
                for (int i = 0; i < count; i++) {
                    Operation<?> op = pending.pollFirst();
                    batch[i] = op;
                    batchSlots[i] = takeSlot(op, 1); // the poller submits and reaps: one holder
                }
            } finally {
                lock.unlock();
            }
            if (count == 0 || !submitBatch(count)) {
                return;
            }
        }
    }

    /** Submits {@code batch[0..count)}; false when the kernel was short of room and the rest went back to the queue. */
    private boolean submitBatch(int count) {
        int submitted = 0;
        boolean requeued = false;
        inKernel.addAndGet(count);
        if (syscallGate.enter()) {
            try {
                long now = observer != null ? System.nanoTime() : 0;
                for (int i = 0; i < count; i++) {
                    writeIocb(batchSlots[i], batch[i]);
                    if (batch[i].submittedNanos != 0) {
                        batch[i].inKernelNanos = now;
                    }
                    batchPointers.setAtIndex(JAVA_LONG, i, iocbPointers.getAtIndex(JAVA_LONG, batchSlots[i]));
                }
                while (submitted < count) {
                    long n = LinuxAio.ioSubmit(pollerCallState, ctx, count - submitted,
                            batchPointers.address() + submitted * ADDRESS.byteSize());
                    if (n > 0) {
                        submitted += (int) n; // all, or the first n: continue with the rest
                        continue;
                    }
                    int errno = n < 0 ? LibC.errno(pollerCallState) : Errno.EAGAIN;
                    if (errno == Errno.EINTR) {
                        continue;
                    }
                    if (errno == Errno.EAGAIN && requeueBatchTail(submitted, count)) {
                        requeued = true;
                        break;
                    }
                    // The kernel refused the first remaining iocb: fail that one, go on with the others.
                    inKernel.decrementAndGet();
                    batch[submitted].failure = Failures.submit(batch[submitted], errno);
                    submitted++;
                }
            } finally {
                syscallGate.exit();
            }
        } else {
            inKernel.addAndGet(-count);
        }
        for (int i = 0; i < count; i++) {
            Operation<?> op = batch[i];
            batch[i] = null;
            if (op != null && (i >= submitted || op.failure != null)) {
                finishUnsubmitted(batchSlots[i], op); // refused, or never submitted because the context is closing
            }
        }
        return !requeued;
    }

    /** EAGAIN in a batch: put its unsubmitted tail back in front of the queue, in order, if anything is in flight. */
    private boolean requeueBatchTail(int from, int count) {
        lock.lock();
        try {
            if (state != OPEN || inKernel.get() - (count - from) < 1) {
                return false;
            }
            inKernel.addAndGet(-(count - from));
            for (int i = count - 1; i >= from; i--) {
                slots[batchSlots[i]] = null;
                freeSlots[freeCount++] = batchSlots[i];
                pending.addFirst(batch[i]);
                batch[i] = null;
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Submits the operation that owns {@code slot}, on the caller's thread. */
    private int submitInSlot(int slot, Operation<?> op) {
        if (!syscallGate.enter()) {
            finishUnsubmitted(slot, op);
            return SLOT_FREED;
        }
        long submitted;
        int errno = 0;
        inKernel.incrementAndGet();
        try {
            writeIocb(slot, op);
            if (op.submittedNanos != 0) {
                op.inKernelNanos = System.nanoTime(); // before io_submit: the completion may be reaped before it returns
            }
            MemorySegment callState = slotCallState[slot];
            long pointer = iocbPointers.address() + slot * ADDRESS.byteSize();
            do {
                submitted = LinuxAio.ioSubmit(callState, ctx, 1, pointer);
                errno = submitted < 0 ? LibC.errno(callState) : 0;
            } while (errno == Errno.EINTR);
        } finally {
            syscallGate.exit();
        }
        if (submitted == 1) {
            return letGo(slot) ? SLOT_FREED : IN_KERNEL; // freed: the poller had already reaped it
        }
        op.inKernelNanos = 0; // not in the kernel after all
        if (errno == Errno.EAGAIN && (op.rwFlags & RWF_NOWAIT) != 0 && releaseUnsubmitted(slot, op)) {
            inKernel.decrementAndGet();
            retryWithoutNowait(op); // the kernel would have blocked: not here, and not on this caller's thread
            return SLOT_FREED;
        }
        if (errno == Errno.EAGAIN && requeue(slot, op)) {
            return REQUEUED;
        }
        inKernel.decrementAndGet();
        op.failure = Failures.submit(op, errno == 0 ? Errno.EAGAIN : errno);
        finishUnsubmitted(slot, op);
        return SLOT_FREED;
    }

    private void writeIocb(int slot, Operation<?> op) {
        long base = slot * IOCB.byteSize();
        // Every field is written: FSYNC is refused with EINVAL when a reused iocb keeps a buffer or an offset.
        iocbs.set(JAVA_LONG, base + IOCB_DATA, slot);
        iocbs.set(JAVA_INT, base + IOCB_KEY, 0);
        iocbs.set(JAVA_INT, base + IOCB_RW_FLAGS, op.rwFlags);
        iocbs.set(JAVA_SHORT, base + IOCB_OPCODE, op.opcode);
        iocbs.set(JAVA_SHORT, base + IOCB_REQPRIO, (short) 0);
        iocbs.set(JAVA_INT, base + IOCB_FILDES, op.file.fd);
        iocbs.set(JAVA_LONG, base + IOCB_BUF, op.address);
        iocbs.set(JAVA_LONG, base + IOCB_NBYTES, op.length);
        iocbs.set(JAVA_LONG, base + IOCB_OFFSET, op.position);
        iocbs.set(JAVA_LONG, base + IOCB_RESERVED2, 0L);
        iocbs.set(JAVA_INT, base + IOCB_FLAGS, userEventFd >= 0 ? IOCB_FLAG_RESFD : 0);
        iocbs.set(JAVA_INT, base + IOCB_RESFD, Math.max(userEventFd, 0));
    }

    /**
     * io_submit answered EAGAIN: the kernel is short of request slots for a moment. Queue the operation again in
     * front when something else is in the kernel, whose completion will make the poller retry it.
     */
    private boolean requeue(int slot, Operation<?> op) {
        lock.lock();
        try {
            if (state != OPEN || slots[slot] != op || inKernel.get() < 2) {
                return false;
            }
            inKernel.decrementAndGet();
            slots[slot] = null;
            slotHolds.set(slot, 0);
            freeSlots[freeCount++] = slot;
            pending.addFirst(op);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * RWF_NOWAIT met EAGAIN: the kernel would have blocked. Submits the operation again without the flag, from the
     * retry executor: there io_submit may block (a buffered read from disk), which must not happen on the poller or
     * on the caller, who asked not to wait.
     */
    private void retryWithoutNowait(Operation<?> op) {
        op.rwFlags &= ~RWF_NOWAIT;
        op.result = 0;
        op.inKernelNanos = 0;
        nowaitRetries.increment();
        try {
            retryExecutor.execute(() -> resubmit(op));
        } catch (Throwable e) {
            Thread.ofVirtual().start(() -> resubmit(op)); // still not on the poller
        }
    }

    /**
     * Completes, with its failure, an operation the kernel will never complete (refused, cancelled, closed), after
     * telling the metrics, so that every submitted operation is counted as completed exactly once.
     */
    private void failWithoutKernel(Operation<?> op) {
        CompletionObserver observer = this.observer;
        if (observer != null && op.submittedNanos != 0) {
            long now = System.nanoTime();
            long entered = op.inKernelNanos != 0 ? op.inKernelNanos : now;
            try {
                observer.completed(entered - op.submittedNanos, now - op.submittedNanos, true);
            } catch (RuntimeException e) {
                LOG.error("The AIO completion observer failed", e);
            }
        }
        dispatch(op);
    }

    /** Frees the slot of an operation that never reached the kernel; false when the teardown already took it. */
    private boolean releaseUnsubmitted(int slot, Operation<?> op) {
        lock.lock();
        try {
            if (slots[slot] != op) {
                return false;
            }
            slots[slot] = null;
            op.slot = -1;
            slotHolds.set(slot, 0);
            freeSlots[freeCount++] = slot;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Frees the slot of an operation that never reached the kernel and fails it: with its {@link Operation#failure},
     * or as closed when it has none.
     */
    private void finishUnsubmitted(int slot, Operation<?> op) {
        if (!releaseUnsubmitted(slot, op)) {
            return; // the teardown already failed it
        }
        op.buffer = null;
        op.file.release();
        if (op.failure == null) {
            op.failure = Operation.closed(op, "the AIO context is closed");
        }
        failWithoutKernel(op);
    }

    // ------------------------------------------------------------------------------------------------ poller

    private void poll() {
        if (!pollerPhase.compareAndSet(POLLER_NOT_STARTED, POLLER_RUNNING)) {
            return; // close() ran first and tore down without a poller
        }
        Thread thread = Thread.currentThread();
        String name = thread.getName();
        pollerThread = thread;
        thread.setName("aio-poller");
        try {
            pollLoop();
        } catch (Throwable t) {
            LOG.error("The AIO completion poller failed; the context is closed", t);
        } finally {
            thread.setName(name);
            teardown();
        }
    }

    private void pollLoop() throws AioException {
        for (;;) {
            if (state != OPEN && (inFlight() == 0 || System.nanoTime() - closeDeadline > 0)) {
                return;
            }
            if (state != OPEN && !closingTimeoutSet) {
                // The wake-up poll fires once; slots released without a kernel event would not wake us again.
                timeout.set(JAVA_LONG, 0, 0L);
                timeout.set(JAVA_LONG, 8, TimeUnit.MILLISECONDS.toNanos(10));
                closingTimeoutSet = true;
            }
            if (ring != null && reapRing() > 0) {
                submitPendingInBatches();
                continue; // more may have arrived meanwhile: look again before sleeping in the kernel
            }
            long n = LinuxAio.ioGetevents(pollerCallState, ctx, 1, depth + 1, events.address(), timeout.address());
            ioGeteventsCalls++;
            if (n < 0) {
                int errno = LibC.errno(pollerCallState);
                if (errno == Errno.EINTR) {
                    continue; // a signal: nothing was consumed, ask again
                }
                throw new AioException("io_getevents failed: " + Failures.errnoText(errno), errno, "io_getevents");
            }
            if (n > 0) {
                reap(events, 0, (int) n);
            }
            // Also after an idle timeout: a safety net should an operation ever wait with nothing in the kernel.
            submitPendingInBatches();
        }
    }

    /** Reaps what the kernel's ring holds, without a system call; the number of events found. */
    private int reapRing() {
        int head = ring.head();
        int tail = ring.tail();
        int found = 0;
        while (head != tail) {
            int n = Math.min(tail > head ? tail - head : ring.size - head, depth + 1); // contiguous, fits `reaped`
            int collected = collect(ring.memory, ring.eventOffset(head), n);
            head = (head + n) % ring.size;
            // Hand the entries back before running callbacks: until then the kernel counts them against the
            // requests it accepts, and callbacks submit more.
            ring.consumeTo(head);
            complete(collected);
            found += n;
        }
        ringEvents += found;
        return found;
    }

    /** Completes the {@code n} events at {@code offset} of {@code array} (the syscall's buffer, or the ring). */
    private void reap(MemorySegment array, long offset, int n) {
        complete(collect(array, offset, n));
    }

    /** Takes the operations of {@code n} events out of their slots, into {@link #reaped}; how many there are. */
    private int collect(MemorySegment array, long offset, int n) {
        int count = 0;
        lock.lock();
        try {
            for (int i = 0; i < n; i++) {
                long base = offset + i * IO_EVENT.byteSize();
                int slot = (int) array.get(JAVA_LONG, base + EVENT_DATA);
                if (slot == wakeSlot) {
                    continue; // close() woke us: the loop looks at the state next
                }
                Operation<?> op = slot >= 0 && slot < depth ? slots[slot] : null;
                if (op == null) {
                    LOG.errorf("Ignored a completion for slot %d, which holds no operation (a bug)", slot);
                    continue;
                }
                slots[slot] = null;
                op.slot = -1;
                inKernel.decrementAndGet();
                if (slotHolds.decrementAndGet(slot) == 0) {
                    freeSlots[freeCount++] = slot;
                }
                op.result = array.get(JAVA_LONG, base + EVENT_RES);
                reaped[count++] = op;
            }
        } finally {
            lock.unlock();
        }
        return count;
    }

    /** Completes the first {@code count} operations of {@link #reaped}. */
    private void complete(int count) {
        CompletionObserver observer = this.observer;
        long now = observer != null ? System.nanoTime() : 0;
        for (int i = 0; i < count; i++) {
            Operation<?> op = reaped[i];
            reaped[i] = null;
            if (op.result == -Errno.EAGAIN && (op.rwFlags & RWF_NOWAIT) != 0) {
                retryWithoutNowait(op); // keeps its file reference and buffer: it is not complete yet
                continue;
            }
            try {
                if (observer != null && op.submittedNanos != 0) {
                    long entered = op.inKernelNanos != 0 ? op.inKernelNanos : now;
                    observer.completed(entered - op.submittedNanos, now - op.submittedNanos, op.result < 0);
                }
                op.file.release();
                op.buffer = null;
                dispatch(op);
            } catch (Throwable e) {
                // A callback on the poller threw past its stage (or an observer failed): the others must complete.
                LOG.error("A completion threw on the AIO poller", e);
            }
        }
    }

    private void dispatch(Operation<?> op) {
        Executor executor = op.resumeOn != null ? op.resumeOn : completionExecutor;
        if (executor == null) {
            op.run();
            return;
        }
        try {
            executor.execute(op);
        } catch (Throwable e) {
            op.run(); // the executor is shutting down (or broken): completing here beats never completing
        }
    }

    // ------------------------------------------------------------------------------------------------ closing

    @Override
    public void close() {
        List<Operation<?>> neverSubmitted;
        lock.lock();
        try {
            if (state == OPEN) {
                closeDeadline = System.nanoTime() + shutdownTimeout.toNanos(); // before the volatile write
                state = CLOSING;
                neverSubmitted = new ArrayList<>(pending);
                pending.clear();
            } else {
                neverSubmitted = List.of();
            }
        } finally {
            lock.unlock();
        }
        for (Operation<?> op : neverSubmitted) {
            op.buffer = null;
            op.file.release();
            op.failure = Operation.closed(op, "the AIO context was closed before it could be submitted");
            failWithoutKernel(op);
        }
        if (pollerPhase.compareAndSet(POLLER_NOT_STARTED, POLLER_DONE)) {
            teardown();
        } else {
            wakePoller();
        }
        if (Thread.currentThread() == pollerThread || Thread.currentThread() == teardownThread) {
            return; // called from a completion during the poll loop or the teardown: they finish without waiting
        }
        try {
            if (!terminated.await(shutdownTimeout.toMillis() + 5_000, TimeUnit.MILLISECONDS)) {
                LOG.errorf("The AIO completion poller did not stop within %s; the kernel context is left alive",
                        shutdownTimeout.plusSeconds(5));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs once, on the poller thread after its loop (or on the closer when the poller never started). */
    private void teardown() {
        teardownThread = Thread.currentThread();
        List<Operation<?>> neverSubmitted = new ArrayList<>();
        lock.lock();
        try {
            if (state == OPEN) {
                state = CLOSING; // the poller failed on its own
                neverSubmitted.addAll(pending);
                pending.clear();
            }
        } finally {
            lock.unlock();
        }
        for (Operation<?> op : neverSubmitted) {
            op.buffer = null;
            op.file.release();
            op.failure = Operation.closed(op, "the AIO completion poller stopped");
            failWithoutKernel(op);
        }
        syscallGate.closeAndAwaitIdle();
        destroyContext(ctx); // waits for every operation still in the kernel
        closeDescriptor(wakeFd);
        closeDescriptor(userEventFd);
        List<Operation<?>> unreaped = new ArrayList<>();
        lock.lock();
        try {
            for (int i = 0; i < depth; i++) {
                if (slots[i] != null) {
                    unreaped.add(slots[i]);
                    slots[i] = null;
                }
            }
            state = CLOSED;
        } finally {
            lock.unlock();
        }
        for (Operation<?> op : unreaped) {
            op.buffer = null;
            op.file.release();
            op.failure = new AioClosedException(op.describe()
                    + " had not completed when the AIO context was closed after its shutdown timeout of "
                    + shutdownTimeout + "; it may or may not have taken effect");
            failWithoutKernel(op);
        }
        for (EngineFile file : List.copyOf(openFiles)) {
            file.close();
        }
        freeNativeMemory();
        terminated.countDown();
    }

    private void freeNativeMemory() {
        for (MemorySegment segment : new MemorySegment[] { iocbs, iocbPointers, events, callStates, timeout,
                batchPointers }) {
            if (segment != null) {
                LibC.free(segment);
            }
        }
    }

    @Override
    public String toString() {
        return "AioContext[depth " + depth + ", " + (state == OPEN ? "open" : state == CLOSING ? "closing" : "closed")
                + "]";
    }
}
