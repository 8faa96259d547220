package io.quarkiverse.aio.internal;

import static io.quarkiverse.aio.internal.linux.KernelAbi.IOCB_CMD_POLL;
import static io.quarkiverse.aio.internal.linux.KernelAbi.IO_EVENT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.FileSystems;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.quarkiverse.aio.AioBatch;
import io.quarkiverse.aio.AioClosedException;
import io.quarkiverse.aio.AioContext;
import io.quarkiverse.aio.AioException;
import io.quarkiverse.aio.AioFile;
import io.quarkiverse.aio.AioSettings;
import io.quarkiverse.aio.AioStatistics;
import io.quarkiverse.aio.AioUnavailableException;
import io.quarkiverse.aio.CloseableArenaBuffers;
import io.quarkiverse.aio.internal.linux.AioSyscalls;
import io.quarkiverse.aio.internal.linux.Arch;
import io.quarkiverse.aio.internal.linux.Errno;
import io.quarkiverse.aio.internal.linux.KernelAbi;
import io.quarkiverse.aio.internal.linux.LibC;

/**
 * A Linux AIO context: the façade over its parts, each of which owns one concern.
 * <ul>
 * <li>{@link KernelContext}: the kernel context, its syscalls and the gate that keeps them off a destroyed one;</li>
 * <li>{@link SlotTable}: the ring's slots, iocbs and errno cells, with a lock-free free stack;</li>
 * <li>{@link Submitter}, {@link PendingQueue}, {@link SubmitBatch}: how operations reach the kernel;</li>
 * <li>{@link CompletionSource} ({@link RingSource}, {@link SyscallSource}), {@link Completer}: how they come back;</li>
 * <li>{@link CompletionPoller}, {@link StallGuard}: who collects them, and what happens when a callback blocks;</li>
 * <li>{@link CallerWaits}: platform threads woken by the kernel for their own operations;</li>
 * <li>{@link LibraryMemory}: the memory the library lends to operations;</li>
 * <li>{@link Lifecycle}: closing and teardown; {@link EngineStatistics}: the figures.</li>
 * </ul>
 */
public final class AioEngine implements AioContext {

    final int depth;
    final KernelContext kernel;
    final SlotTable slots;
    final CompletionSource source;
    final PendingQueue pending;
    final LibraryMemory memory;
    final EngineStatistics statistics = new EngineStatistics(this);
    final Lifecycle lifecycle;
    final Completer completer;
    final Submitter submitter;
    final StallGuard guard;
    private final CallerWaits callerWaits = new CallerWaits(this);
    /** The current poller; replaced when a callback holds it too long. */
    volatile CompletionPoller poller;
    /** Set when an operation the kernel had no room for waits with nothing in flight to retry it. */
    volatile boolean retrySoon;
    private final Arch arch;
    private final boolean trustCloseableArenas;
    private final Supplier<Executor> callerExecutor;
    private final OptionalInt userEventFd;
    private final EventFd userEventFdOwned;
    private final ExecutorService ownedBlockingExecutor;
    private final Executor blockingExecutor;
    private final AioSettings settings;
    private final Set<EngineFile> openFiles = ConcurrentHashMap.newKeySet();
    final FileTotals fileTotals = new FileTotals();
    /** Every poller ever started, so that each one's batch memory is freed. */
    private final List<CompletionPoller> pollers = new java.util.concurrent.CopyOnWriteArrayList<>();

    private AioEngine(AioSettings settings, KernelContext kernel, Arch arch) throws AioException {
        this.settings = settings;
        this.depth = settings.queueDepth();
        this.kernel = kernel;
        this.arch = arch;
        this.trustCloseableArenas = settings.closeableArenaBuffers() == CloseableArenaBuffers.TRUST;
        this.callerExecutor = settings.callerExecutor();
        this.slots = new SlotTable(depth);
        this.pending = new PendingQueue(settings.maxQueued());
        this.memory = new LibraryMemory(depth);
        this.lifecycle = new Lifecycle(this, settings.shutdownTimeout());
        if (settings.blockingExecutor() != null) {
            this.ownedBlockingExecutor = null;
            this.blockingExecutor = settings.blockingExecutor();
        } else {
            ThreadPoolExecutor pool = new ThreadPoolExecutor(4, 4, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                    Thread.ofPlatform().name("aio-blocking-", 0).daemon(true).factory());
            pool.allowCoreThreadTimeOut(true);
            this.ownedBlockingExecutor = pool;
            this.blockingExecutor = pool;
        }
        EventFd userEventFd = settings.completionEventFd() ? EventFd.createNonBlocking() : null;
        this.userEventFdOwned = userEventFd;
        this.userEventFd = userEventFd == null ? OptionalInt.empty() : OptionalInt.of(userEventFd.fd);
        CompletionRing ring = settings.userspaceReap() && userEventFd == null ? CompletionRing.of(kernel.ctx) : null;
        int defaultResfd;
        if (ring != null) {
            RingSource ringSource = new RingSource(ring, EventFd.create());
            this.source = ringSource;
            defaultResfd = ringSource.pollerEventFd.fd;
        } else {
            this.source = SyscallSource.create(kernel, slots);
            defaultResfd = userEventFd == null ? -1 : userEventFd.fd;
        }
        this.completer = new Completer(this, settings.completionExecutor());
        this.submitter = new Submitter(this, defaultResfd, blockingExecutor);
        this.guard = new StallGuard(this, settings.pollerStallThreshold());
        this.poller = newPoller(false);
    }

    /** Creates the kernel context ({@code io_setup}) and starts the poller. */
    public static AioEngine start(AioSettings settings, AioSyscalls syscalls) throws AioException {
        Arch arch = Arch.current().orElseThrow(() -> new AioUnavailableException("Linux AIO needs Linux on x86_64 or"
                + " aarch64; this JVM runs on " + System.getProperty("os.name") + " " + System.getProperty("os.arch"),
                0, null));
        // One event more than the slots: the syscall source's wake-up poll.
        KernelContext kernel = KernelContext.create(syscalls, settings.queueDepth() + 1, settings.queueDepth());
        AioEngine engine;
        try {
            engine = new AioEngine(settings, kernel, arch);
        } catch (AioException | RuntimeException | Error e) {
            kernel.destroy();
            throw e;
        }
        engine.guard.start();
        Executor executor = settings.pollerExecutor() != null ? settings.pollerExecutor()
                : task -> Thread.ofPlatform().name("aio-poller").daemon(true).start(task);
        try {
            executor.execute(engine.poller);
        } catch (Throwable e) {
            engine.close(); // the poller never started: close() tears down on this thread
            throw new AioException("the poller executor could not run the completion poller: " + e, 0, null);
        }
        return engine;
    }

    private CompletionPoller newPoller(boolean replacement) throws AioException {
        CompletionPoller p = new CompletionPoller(this, settings.submitBatching(), replacement);
        pollers.add(p);
        return p;
    }

    /** For the stall guard: makes a new poller current, on a thread of its own, in place of {@code stuck}. */
    boolean replacePoller(CompletionPoller stuck) {
        if (poller != stuck || !lifecycle.pollerRunning()) {
            return false;
        }
        CompletionPoller next;
        try {
            next = newPoller(true);
        } catch (AioException e) {
            return false; // no memory for another batch: the stuck poller goes on when its callback returns
        }
        poller = next;
        Thread.ofPlatform().name("aio-poller").daemon(true).start(next);
        wakePoller();
        return true;
    }

    boolean isPollerThread(Thread thread) {
        CompletionPoller p = poller;
        return p != null && p.thread == thread;
    }

    CallerWaits callerWaits() {
        return callerWaits;
    }

    /**
     * Whether a waiting caller can finish its own operation: the ring must be readable by any thread, and the stage
     * must complete where its completion is collected (not on a completion executor).
     */
    boolean directWaitsPossible() {
        return source.helpersMayTake() && settings.completionExecutor() == null;
    }

    /** Makes the poller look again soon (an operation waits with nothing in the kernel that would retry it). */
    void retrySoon() {
        retrySoon = true;
        wakePoller();
    }

    void wakePoller() {
        if (kernel.enter()) { // after the teardown the poller's eventfd is gone
            try {
                source.wake();
            } finally {
                kernel.exit();
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- public API

    private AioFile open(Path path, int mode, OpenOption... options) throws IOException {
        Objects.requireNonNull(path, "path");
        if (path.getFileSystem() != FileSystems.getDefault()) {
            throw new IllegalArgumentException(path + " is not on the default file system");
        }
        OpenFlags flags = OpenFlags.of(arch, options);
        if (path.toString().indexOf('\0') >= 0) {
            throw new IllegalArgumentException("path contains a NUL character");
        }
        if (!lifecycle.isOpen()) {
            throw new AioClosedException("the AIO context is closed; cannot open " + path);
        }
        EngineFile file = FileOpener.open(this, path, flags, mode);
        fileTotals.opened(file.counters); // before the file can be forgotten, which a racing close may do at once
        openFiles.add(file);
        if (!lifecycle.isOpen()) {
            file.close(); // raced with close(): the teardown may not have seen this file
            throw new AioClosedException("the AIO context is closed; cannot open " + path);
        }
        return file;
    }

    @Override
    public AioFile open(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attributes)
            throws IOException {
        return open(path, FileModes.of(attributes), options.toArray(OpenOption[]::new));
    }

    @Override
    public AioFile open(Path path, OpenOption... options) throws IOException {
        return open(path, KernelAbi.DEFAULT_CREATE_MODE, options);
    }

    @Override
    public AioBatch batch() {
        return new EngineBatch(this);
    }

    @Override
    public CompletionStage<Void> queueRoom() {
        return pending.room();
    }

    @Override
    public CompletionStage<Void> closeAsync() {
        Thread.ofPlatform().name("aio-close").daemon(true).start(lifecycle::close);
        return lifecycle.closed();
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
        return lifecycle.isOpen();
    }

    @Override
    public AioSettings settings() {
        return settings;
    }

    @Override
    public AioStatistics statistics() {
        return statistics;
    }

    @Override
    public void observe(CompletionObserver observer) {
        completer.observer = observer;
    }

    @Override
    public CompletionObserver observer() {
        return completer.observer;
    }

    @Override
    public OptionalInt completionEventFd() {
        return userEventFd;
    }

    @Override
    public CompletionStage<Integer> poll(int fd, int events) {
        if (fd < 0) {
            throw new IllegalArgumentException("negative file descriptor: " + fd);
        }
        if (events == 0) {
            throw new IllegalArgumentException("no poll events to wait for");
        }
        OperationStage<Integer> op = new OperationStage<>(EngineFile.borrowed(this, fd), IOCB_CMD_POLL, 0,
                OperationStage.INT_RESULT);
        op.address = events & 0xffffffffL; // IOCB_CMD_POLL takes the event mask in aio_buf
        return submit(op);
    }

    /** Accepts an operation: takes a reference to its file, notes who submits it, and submits it. */
    <T> OperationStage<T> submit(OperationStage<T> op) {
        if (accept(op)) {
            submitter.submit(op);
        }
        return op;
    }

    /** Submits a batch's operations, in order, in as few io_submit calls as the ring allows. */
    void submitAll(List<OperationStage<?>> ops) {
        List<OperationStage<?>> accepted = new ArrayList<>(ops.size());
        for (OperationStage<?> op : ops) {
            if (accept(op)) {
                accepted.add(op);
            }
        }
        submitter.submitAll(accepted);
    }

    /** Takes a reference to the operation's file and readies it; false (and the stage failed) when the file is closed. */
    private boolean accept(OperationStage<?> op) {
        if (!op.file.acquire()) {
            op.failure = new AioClosedException(op.describe() + " was refused: " + op.file.path() + " is closed");
            op.run();
            return false;
        }
        statistics.submitted.increment();
        Supplier<Executor> capture = callerExecutor;
        if (capture != null) {
            op.resumeOn = capture.get();
        }
        if (completer.observer != null) {
            op.submittedNanos = System.nanoTime();
        }
        callerWaits.prepare(op);
        return true;
    }

    @Override
    public boolean cancel(CompletionStage<?> stage) {
        if (!(stage instanceof OperationStage<?> op) || op.file.engine() != this) {
            return false;
        }
        if (pending.remove(op)) {
            op.failure = new CancellationException(op.describe() + " was cancelled before it was submitted");
            completer.finishWithoutKernel(op);
            return true;
        }
        return cancelInKernel(op);
    }

    /**
     * Hands an operation in the kernel to io_cancel. Since Linux 4.19 a cancelled operation's event still arrives,
     * and io_cancel answers EINPROGRESS; file reads and writes cannot be cancelled (EINVAL).
     */
    boolean cancelInKernel(OperationStage<?> op) {
        int slot = op.slot;
        if (slot < 0 || !slots.hold(slot, op)) {
            return false; // not in the kernel (completed, or being completed)
        }
        try {
            if (!op.beginCancel()) {
                return op.cancelled(); // asked before: that answer stands
            }
            if (!kernel.enter()) {
                op.endCancel(false);
                return false; // closing: the teardown completes everything
            }
            boolean accepted = false;
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment callState = LibC.allocateCallState(arena);
                MemorySegment result = arena.allocate(IO_EVENT);
                accepted = kernel.cancel(callState, slots.iocbAddress(slot), result.address()) == 0
                        || LibC.errno(callState) == Errno.EINPROGRESS;
                return accepted;
            } finally {
                op.endCancel(accepted); // a completion taken meanwhile waits for this answer
                kernel.exit();
            }
        } finally {
            if (slots.letGo(slot)) {
                submitter.drainPending();
            }
        }
    }

    @Override
    public void close() {
        lifecycle.close();
    }

    // --------------------------------------------------------------------------------------- files and memory

    /** Whether the kernel may use {@code segment} itself, or must go through library memory (see the policy). */
    boolean mayUseDirectly(MemorySegment segment) {
        return trustCloseableArenas || !ArenaKind.of(segment).closeable;
    }

    /**
     * Runs the final close(2) of a file: not on the poller while the context is open, where a slow close (the last
     * descriptor of a large deleted file, an NFS flush) would stall every other completion.
     */
    void closeDescriptor(Runnable close) {
        if (lifecycle.isOpen() && isPollerThread(Thread.currentThread())) {
            try {
                blockingExecutor.execute(close);
                return;
            } catch (RuntimeException rejected) {
                // shutting down: close here
            }
        }
        close.run();
    }

    void forget(EngineFile file) {
        openFiles.remove(file);
        fileTotals.closed(file.counters);
    }

    /** Teardown: every file still open is closed (their operations are all complete by then). */
    void closeFiles() {
        for (EngineFile file : List.copyOf(openFiles)) {
            file.close();
        }
    }

    /** Teardown, after io_destroy: no thread uses the slots, the source or a batch any more. */
    void freeNativeMemory() {
        source.free();
        for (CompletionPoller p : pollers) {
            p.batch.free();
        }
        for (SubmitBatch batch; (batch = submitter.batches.poll()) != null;) {
            batch.free();
        }
        slots.freeNativeMemory();
        memory.freeAll();
        if (userEventFdOwned != null) {
            userEventFdOwned.close();
        }
        if (ownedBlockingExecutor != null) {
            ownedBlockingExecutor.shutdown();
        }
    }

    @Override
    public String toString() {
        return "AioContext[depth " + depth + ", " + lifecycle.describe() + "]";
    }
}
