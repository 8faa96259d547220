package io.quarkiverse.aio.internal;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.quarkiverse.aio.AioBatch;
import io.quarkiverse.aio.AioClosedException;
import io.quarkiverse.aio.AioContext;
import io.quarkiverse.aio.AioException;
import io.quarkiverse.aio.AioFile;
import io.quarkiverse.aio.AioOpenOption;
import io.quarkiverse.aio.AioFileStatistics;
import io.quarkiverse.aio.AioSettings;
import io.quarkiverse.aio.AioStatistics;

/**
 * The fallback where Linux AIO is missing: the same API over {@link FileChannel} positional reads and writes on a
 * thread pool. Nothing native is used, so it runs on any OS the JDK runs on.
 */
public final class ThreadPoolContext implements AioContext {

    private final AioSettings settings;
    private final int queueDepth;
    private final Duration shutdownTimeout;
    private final Executor executor;
    private final ExecutorService ownedExecutor;
    /** Operations accepted and not finished; closed (for good) by close(). */
    final UsageGate gate = new UsageGate();
    private final Set<ThreadPoolFile> openFiles = ConcurrentHashMap.newKeySet();
    private final FileTotals fileTotals = new FileTotals();

    private final java.util.function.Supplier<Executor> callerExecutor;

    /** The blocking calls run on the settings' blocking executor, else on a pool of the context's own. */
    public ThreadPoolContext(AioSettings settings) {
        this.settings = settings;
        this.queueDepth = settings.queueDepth();
        this.shutdownTimeout = settings.shutdownTimeout();
        this.callerExecutor = settings.callerExecutor();
        Executor executor = settings.blockingExecutor();
        if (executor == null) {
            this.ownedExecutor = Executors.newFixedThreadPool(Math.min(queueDepth, 64),
                    Thread.ofPlatform().name("aio-fallback-", 0).daemon(true).factory());
            this.executor = ownedExecutor;
        } else {
            this.ownedExecutor = null;
            this.executor = executor;
        }
    }

    @Override
    public AioFile open(Path path, OpenOption... options) throws IOException {
        return open(path, Set.of(options));
    }

    @Override
    public AioBatch batch() {
        return new ThreadPoolBatch(this);
    }

    @Override
    public CompletionStage<Void> queueRoom() {
        return CompletableFuture.completedStage(null); // no queue: the pool's own queue is unbounded
    }

    @Override
    public CompletionStage<Void> closeAsync() {
        CompletableFuture<Void> closed = new CompletableFuture<>();
        Thread.ofPlatform().name("aio-close").daemon(true).start(() -> {
            close();
            closed.complete(null);
        });
        return closed.minimalCompletionStage();
    }

    @Override
    public AioFile open(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attributes)
            throws IOException {
        Objects.requireNonNull(path, "path");
        if (path.getFileSystem() != FileSystems.getDefault()) {
            throw new IllegalArgumentException(path + " is not on the default file system");
        }
        if (gate.isClosed()) {
            throw new AioClosedException("the AIO context is closed; cannot open " + path);
        }
        Set<OpenOption> channelOptions = new HashSet<>();
        boolean direct = false;
        for (OpenOption option : options) {
            Objects.requireNonNull(option, "open option");
            if (option == AioOpenOption.DIRECT || (option.getClass().getName().equals("com.sun.nio.file.ExtendedOpenOption")
                    && option.toString().equals("DIRECT"))) {
                direct = true;
                channelOptions.add(com.sun.nio.file.ExtendedOpenOption.DIRECT);
            } else if (option == StandardOpenOption.APPEND || option == StandardOpenOption.DELETE_ON_CLOSE) {
                throw new UnsupportedOperationException(option + " is not supported by AioContext.open");
            } else if (option instanceof StandardOpenOption || option == LinkOption.NOFOLLOW_LINKS) {
                channelOptions.add(option);
            } else {
                throw new UnsupportedOperationException("Open option " + option + " is not supported by AioContext.open");
            }
        }
        if (Files.isDirectory(path)) {
            throw new AioException(path + " is a directory", 21, "open");
        }
        FileChannel channel = FileChannel.open(path, channelOptions, attributes);
        ThreadPoolFile file;
        try {
            int alignment = direct ? (int) Math.max(512, Files.getFileStore(path).getBlockSize()) : 1;
            // 4 KiB pages: the fallback may run where the page size cannot be asked (no Linux, no libc bindings).
            file = new ThreadPoolFile(this, channel, new FileLimits(path, direct, alignment, alignment,
                    FileLimits.maxTransfer(4096)),
                    !channelOptions.contains(StandardOpenOption.WRITE) || channelOptions.contains(StandardOpenOption.READ),
                    channelOptions.contains(StandardOpenOption.WRITE));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        fileTotals.opened(file.counters); // before the file can be forgotten, which a racing close may do at once
        openFiles.add(file);
        if (gate.isClosed()) { // raced with close(), which may not have seen this file
            file.close();
            throw new AioClosedException("the AIO context is closed; cannot open " + path);
        }
        return file;
    }

    /** Runs {@code work} on the pool; the stage fails as closed once the context is closed. */
    /** What an operation is, for the file's figures. */
    enum Kind {
        READ,
        WRITE,
        SYNC
    }

    <T> CompletionStage<T> run(ThreadPoolFile file, Kind kind, String what, IoCall<T> work) {
        CompletableFuture<T> stage = new CompletableFuture<>();
        if (!file.gate.enter()) {
            stage.completeExceptionally(new AioClosedException(what + " was refused: " + file.path() + " is closed"));
            return stage;
        }
        if (!gate.enter()) {
            file.release();
            stage.completeExceptionally(new AioClosedException(what + " was refused: the AIO context is closed"));
            return stage;
        }
        Executor resumeOn = callerExecutor != null ? callerExecutor.get() : null;
        long submittedNanos = System.nanoTime();
        submitted.increment();
        inFlight.incrementAndGet();
        try {
            executor.execute(() -> {
                T result = null;
                Throwable failure = null;
                long started = System.nanoTime();
                try {
                    result = work.call();
                } catch (Throwable e) {
                    failure = e;
                } finally {
                    // Counted first: the release may close the file, whose figures are then final.
                    file.counters.finished(kind == Kind.READ, kind == Kind.WRITE, kind == Kind.SYNC,
                            result instanceof Number n ? n.longValue() : 0, failure != null);
                    // Before completing: a dependent stage may close the file or the context and wait for us.
                    file.release();
                    gate.exit();
                    inFlight.decrementAndGet();
                    completed(submittedNanos, started, failure != null);
                }
                complete(stage, result, failure, resumeOn);
            });
        } catch (RuntimeException rejected) {
            file.release();
            gate.exit();
            inFlight.decrementAndGet();
            completed(submittedNanos, System.nanoTime(), true);
            stage.completeExceptionally(new AioClosedException(what + " was refused: " + rejected));
        }
        return stage;
    }

    private void completed(long submittedNanos, long startedNanos, boolean failure) {
        completed.increment();
        if (failure) {
            failed.increment();
        }
        CompletionObserver o = observer;
        if (o != null) {
            try {
                o.completed(startedNanos - submittedNanos, System.nanoTime() - submittedNanos, failure);
            } catch (Throwable e) {
                org.jboss.logging.Logger.getLogger(ThreadPoolContext.class).error("The AIO completion observer failed", e);
            }
        }
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
        this.observer = observer;
    }

    @Override
    public CompletionObserver observer() {
        return observer;
    }

    private final java.util.concurrent.atomic.LongAdder submitted = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder completed = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder failed = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    private volatile CompletionObserver observer;

    /** The fallback's figures: operations only; it makes no AIO system calls. */
    private final AioStatistics statistics = new AioStatistics() {
        @Override
        public String backend() {
            return "thread-pool";
        }

        @Override
        public boolean pollerRunning() {
            return isOpen();
        }

        @Override
        public long submitted() {
            return submitted.sum();
        }

        @Override
        public long completed() {
            return completed.sum();
        }

        @Override
        public long failed() {
            return failed.sum();
        }

        @Override
        public AioFileStatistics files() {
            return fileTotals.sum(inFlight(), 0);
        }

        @Override
        public int inFlight() {
            return inFlight.get();
        }

        @Override
        public int queued() {
            return 0;
        }

        @Override
        public long ioSubmitCalls() {
            return 0;
        }

        @Override
        public long ioGeteventsCalls() {
            return 0;
        }

        @Override
        public long ringCompletions() {
            return 0;
        }

        @Override
        public long nowaitRetries() {
            return 0;
        }

        @Override
        public long pollerStalls() {
            return 0;
        }
    };

    private static <T> void complete(CompletableFuture<T> stage, T result, Throwable failure, Executor resumeOn) {
        Runnable completion = failure == null ? () -> stage.complete(result) : () -> stage.completeExceptionally(failure);
        if (resumeOn == null) {
            completion.run();
            return;
        }
        try {
            resumeOn.execute(completion);
        } catch (RuntimeException rejected) {
            completion.run();
        }
    }

    interface IoCall<T> {
        T call() throws IOException;
    }

    void forget(ThreadPoolFile file) {
        openFiles.remove(file);
        fileTotals.closed(file.counters);
    }

    @Override
    public MemorySegment allocate(long byteSize) {
        return Arena.ofAuto().allocate(byteSize, 4096);
    }

    @Override
    public boolean cancel(CompletionStage<?> stage) {
        return false; // a blocking pread on a pool thread cannot be taken back
    }

    @Override
    public CompletionStage<Integer> poll(int fd, int events) {
        throw new UnsupportedOperationException("poll needs Linux AIO (IOCB_CMD_POLL); this context is the thread-pool"
                + " fallback");
    }

    @Override
    public OptionalInt completionEventFd() {
        return OptionalInt.empty();
    }

    @Override
    public int queueDepth() {
        return queueDepth;
    }

    @Override
    public boolean isOpen() {
        return !gate.isClosed();
    }

    @Override
    public void close() {
        gate.close();
        long deadline = System.nanoTime() + shutdownTimeout.toNanos();
        while (!gate.isIdleAfterClose() && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        for (ThreadPoolFile file : List.copyOf(openFiles)) {
            file.close();
        }
        if (ownedExecutor != null) {
            ownedExecutor.shutdown();
        }
    }

    @Override
    public String toString() {
        return "AioContext[thread-pool fallback, " + (isOpen() ? "open" : "closed") + "]";
    }
}
