package io.quarkiverse.aio;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.time.Duration;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * A Linux kernel AIO context ({@code io_setup}) with its completion poller. In Quarkus, inject it:
 * {@code @Inject AioContext aio;} (configured under {@code quarkus.aio}). Elsewhere, build one with
 * {@link #builder()} and close it when done.
 * <p>
 * At most {@link #queueDepth()} operations are in the kernel at once; more wait in a queue in Java and are
 * submitted as earlier ones complete, so callers never see the kernel's {@code EAGAIN} for a full ring.
 */
public interface AioContext extends AutoCloseable {

    /**
     * Opens a file for asynchronous I/O. Accepted options: {@code StandardOpenOption} READ, WRITE, CREATE,
     * CREATE_NEW, TRUNCATE_EXISTING, DSYNC, SYNC and SPARSE (a hint, ignored), {@code LinkOption.NOFOLLOW_LINKS},
     * and {@link AioOpenOption#DIRECT} (or {@code com.sun.nio.file.ExtendedOpenOption.DIRECT}) for {@code O_DIRECT}. Without READ or WRITE the file
     * is opened for reading.
     *
     * @throws UnsupportedOperationException for an option this library cannot honour (APPEND, DELETE_ON_CLOSE...)
     * @throws java.nio.file.NoSuchFileException, java.nio.file.FileAlreadyExistsException,
     *         java.nio.file.AccessDeniedException as {@code FileChannel.open} does
     * @throws AioException for other failures, with errno and the cause (a directory, O_DIRECT refused...)
     */
    AioFile open(Path path, OpenOption... options) throws IOException;

    /**
     * Opens a file as {@link #open(Path, OpenOption...)} does, with attributes for a file it creates, as
     * {@code FileChannel.open} takes them: {@code PosixFilePermissions.asFileAttribute(...)} sets its mode (without
     * one it is 0666 before the umask).
     *
     * @throws UnsupportedOperationException for an attribute other than {@code posix:permissions}
     */
    AioFile open(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attributes)
            throws IOException;

    /**
     * A new batch: operations on files of this context, gathered and then submitted together in as few
     * {@code io_submit} calls as the ring allows (see {@link AioBatch}).
     */
    AioBatch batch();

    /**
     * A stage that completes when fewer than {@link Builder#maxQueued(int)} operations wait in Java for room in the
     * ring: wait on it, without blocking an event loop, before submitting more when {@link AioQueueFullException}
     * says the queue is full. Completes at once when there is room.
     */
    CompletionStage<Void> queueRoom();

    /**
     * Closes the context as {@link #close()} does, without waiting, from any thread (an event loop included): the
     * stage completes when the context is closed and every operation's stage is complete.
     */
    CompletionStage<Void> closeAsync();

    /**
     * Allocates zeroed native memory aligned to 4096 bytes, which suits direct I/O on common Linux file systems.
     * Prefer {@link AioFile#allocate(long)}, which uses the file's own alignment.
     */
    MemorySegment allocate(long byteSize);

    /**
     * Tries to cancel an operation of this context. One still waiting in the Java queue is taken out and its stage
     * fails with {@link java.util.concurrent.CancellationException}. One already in the kernel is handed to
     * {@code io_cancel}, which cannot cancel ordinary file reads and writes on Linux (it answers EINVAL): they run to
     * completion, and this returns false.
     *
     * @return true when the operation will not take place (its stage fails with CancellationException)
     */
    boolean cancel(CompletionStage<?> stage);

    /**
     * Waits, in the kernel, until a descriptor you own (a pipe, a socket, an eventfd) is ready ({@code IOCB_CMD_POLL},
     * Linux 4.18+). The descriptor must stay open until the stage completes. {@link #cancel} works on these.
     *
     * @param events the poll(2) events to wait for, such as {@code POLLIN = 1}, {@code POLLOUT = 4}
     * @return a stage with the ready events (revents)
     */
    CompletionStage<Integer> poll(int fd, int events);

    /**
     * An eventfd the kernel signals on every completion of this context ({@code IOCB_FLAG_RESFD}), when enabled with
     * {@link Builder#completionEventFd(boolean)} ({@code quarkus.aio.completion-eventfd}): register it with your own
     * event loop to learn that completions are arriving. The poller still collects them; the eventfd's counter is
     * yours to read and reset. It stays open until {@link #close()} returns, and is closed by then, after the kernel
     * context is destroyed: remove it from your event loop before calling close(), since afterwards its number may
     * be given to another descriptor.
     */
    java.util.OptionalInt completionEventFd();

    /** The most operations this context keeps in the kernel at once. */
    int queueDepth();

    /** Whether the context still accepts operations. */
    boolean isOpen();

    /**
     * Closes the context. New operations are refused with {@link AioClosedException}, and so are those still waiting
     * in Java for room in the ring (they never reached the kernel). Polls are cancelled ({@code io_cancel}; their
     * stages fail with {@link java.util.concurrent.CancellationException}). Every operation in the kernel is waited
     * for and completes with its true result. Only when some are still in the kernel after the shutdown timeout are
     * they handed to {@code io_cancel}, and if the kernel still holds them the context is destroyed
     * ({@code io_destroy} waits for them) and their stages fail with {@link AioClosedException}, saying that they may
     * or may not have taken effect. When this returns, every stage is complete and the kernel touches no buffer any
     * more. Idempotent; called from a completion callback it returns at once and the poller finishes the work.
     */
    @Override
    void close();

    /** The settings this context was built with (in Quarkus: from {@code quarkus.aio.*}). */
    AioSettings settings();

    /** Live figures of this context: operations, system calls, poller state. */
    AioStatistics statistics();

    /**
     * Starts timing every operation for {@code observer} (metrics); null stops. The observer runs on the thread that
     * collects the completion: it must be quick and must not block.
     */
    void observe(CompletionObserver observer);

    /** The observer that {@link #observe} set, or null: for a second one to chain to it. */
    CompletionObserver observer();

    /** Receives the timing of every completed operation. */
    @FunctionalInterface
    interface CompletionObserver {
        /**
         * @param queuedNanos from the call that submitted it until it entered the kernel
         * @param totalNanos from the call until its completion was collected
         * @param failed whether it completed with an error
         */
        void completed(long queuedNanos, long totalNanos, boolean failed);
    }

    /** A builder for a context outside Quarkus (tests, tools, plain {@code main} programs). */
    static Builder builder() {
        return new Builder();
    }

    /** Settings of a context built outside Quarkus. The defaults are those of {@code @Inject AioContext}. */
    final class Builder {
        /**
         * The largest queue depth accepted: the kernel's default system-wide limit ({@code fs.aio-max-nr}) is 65536
         * events for all contexts together.
         */
        public static final int MAX_QUEUE_DEPTH = 65535;

        int queueDepth = 256;
        int maxQueued = 65536;
        Duration shutdownTimeout = Duration.ofSeconds(10);
        Duration pollerStallThreshold = Duration.ofMillis(10);
        Executor pollerExecutor;
        Executor completionExecutor;
        Executor blockingExecutor;
        Supplier<Executor> callerExecutor;
        CloseableArenaBuffers closeableArenaBuffers = CloseableArenaBuffers.COPY;
        SubmitBatching submitBatching = SubmitBatching.AUTO;
        AioFallback fallback = AioFallback.NONE;
        boolean userspaceReap = true;
        boolean completionEventFd;

        Builder() {
        }

        /** Most operations in the kernel at once (1 to {@link #MAX_QUEUE_DEPTH}); default 256. */
        public Builder queueDepth(int queueDepth) {
            if (queueDepth < 1 || queueDepth > MAX_QUEUE_DEPTH) {
                throw new IllegalArgumentException(
                        "queueDepth must be between 1 and " + MAX_QUEUE_DEPTH + ", was " + queueDepth);
            }
            this.queueDepth = queueDepth;
            return this;
        }

        /**
         * How many operations may wait in Java for room in the ring (1 to 16 Mi); past it an operation fails at once
         * with {@link AioQueueFullException}. Default 65536: it bounds what a runaway producer can pile up (each
         * waiting operation holds its stage and its buffer) and leaves ordinary bursts alone. See
         * {@link AioContext#queueRoom()}.
         */
        public Builder maxQueued(int maxQueued) {
            if (maxQueued < 1 || maxQueued > 1 << 24) {
                throw new IllegalArgumentException("maxQueued must be between 1 and " + (1 << 24) + ", was " + maxQueued);
            }
            this.maxQueued = maxQueued;
            return this;
        }

        /**
         * How long {@link AioContext#close()} waits for operations in the kernel before it cancels what can be
         * cancelled (0 to 1 day); default 10 s. See {@link AioContext#close()}.
         */
        public Builder shutdownTimeout(Duration shutdownTimeout) {
            if (shutdownTimeout.isNegative() || shutdownTimeout.compareTo(Duration.ofDays(1)) > 0) {
                throw new IllegalArgumentException("shutdownTimeout must be between 0 and 1 day, was " + shutdownTimeout);
            }
            this.shutdownTimeout = shutdownTimeout;
            return this;
        }

        /**
         * How long a completion callback may hold the poller thread before another thread takes over collecting
         * completions, so that one blocking callback does not stall the others (0 to 10 s; zero turns the guard off);
         * default 10 ms. The takeover is logged once, with the stack of the blocking callback.
         */
        public Builder pollerStallThreshold(Duration pollerStallThreshold) {
            if (pollerStallThreshold.isNegative() || pollerStallThreshold.compareTo(Duration.ofSeconds(10)) > 0) {
                throw new IllegalArgumentException(
                        "pollerStallThreshold must be between 0 and 10 s, was " + pollerStallThreshold);
            }
            this.pollerStallThreshold = pollerStallThreshold;
            return this;
        }

        /**
         * Runs the completion poller, a loop that waits in the kernel for the context's whole life. It needs a
         * platform thread of its own. Default: a new daemon thread named {@code aio-poller}.
         */
        public Builder pollerExecutor(Executor pollerExecutor) {
            this.pollerExecutor = pollerExecutor;
            return this;
        }

        /**
         * When set, every stage completes on this executor, and so do the stages that depend on it: one hand-off per
         * operation, for applications whose callbacks routinely block. Default {@code null}: a stage completes on the
         * thread that collected its completion (the poller, or a caller waiting for it), without a hand-off; a
         * callback that blocks there is covered by {@link #pollerStallThreshold(Duration)}.
         */
        public Builder completionExecutor(Executor completionExecutor) {
            this.completionExecutor = completionExecutor;
            return this;
        }

        /**
         * Runs the short blocking work the library moves off the poller and off callers: retries of RWF_NOWAIT
         * operations without the flag, and the final {@code close(2)} of a file. Default: daemon threads of the
         * context's own, started when needed.
         */
        public Builder blockingExecutor(Executor blockingExecutor) {
            this.blockingExecutor = blockingExecutor;
            return this;
        }

        /** What to do with buffers from arenas their owner can close; default {@link CloseableArenaBuffers#COPY}. */
        public Builder closeableArenaBuffers(CloseableArenaBuffers closeableArenaBuffers) {
            this.closeableArenaBuffers = Objects.requireNonNull(closeableArenaBuffers);
            return this;
        }

        /**
         * Whether the poller reads completions from the ring the kernel maps into the process, without a system call
         * (as fio's userspace_reap, Seastar and ActiveMQ Artemis do). Default true; false makes the poller collect
         * every completion with {@code io_getevents}.
         */
        public Builder userspaceReap(boolean userspaceReap) {
            this.userspaceReap = userspaceReap;
            return this;
        }

        /** How operations issued by callbacks on the poller reach the kernel; default {@link SubmitBatching#AUTO}. */
        public Builder submitBatching(SubmitBatching submitBatching) {
            this.submitBatching = Objects.requireNonNull(submitBatching);
            return this;
        }

        /** Whether the kernel signals an eventfd on every completion (see {@link AioContext#completionEventFd()}). */
        public Builder completionEventFd(boolean completionEventFd) {
            this.completionEventFd = completionEventFd;
            return this;
        }

        /**
         * Called on the submitting thread for every operation: when it returns an executor, the operation's stage
         * completes on it. Quarkus uses it to resume operations started on a Vert.x event loop on that event loop.
         */
        public Builder callerExecutor(Supplier<Executor> callerExecutor) {
            this.callerExecutor = callerExecutor;
            return this;
        }

        /** What to do where Linux AIO cannot be used; default {@link AioFallback#NONE}: fail with the reason. */
        public Builder fallback(AioFallback fallback) {
            this.fallback = Objects.requireNonNull(fallback);
            return this;
        }

        /** The settings collected so far. */
        public AioSettings settings() {
            return new AioSettings(this);
        }

        /**
         * Creates the kernel context and starts the poller.
         *
         * @throws AioUnavailableException when Linux AIO cannot be used here, with the cause and the fix
         * @throws AioException when {@code io_setup} fails otherwise
         */
        public AioContext build() throws AioException {
            AioSettings settings = settings();
            for (AioContextProvider provider : ServiceLoader.load(AioContextProvider.class,
                    AioContext.class.getClassLoader())) {
                return provider.create(settings);
            }
            throw new AioUnavailableException("no AioContextProvider found: the quarkus-aio runtime jar is incomplete",
                    0, null);
        }
    }
}
