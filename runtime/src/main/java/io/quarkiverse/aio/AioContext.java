package io.quarkiverse.aio;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executor;

import io.quarkiverse.aio.internal.AioEngine;
import io.quarkiverse.aio.internal.ThreadPoolContext;

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
    boolean cancel(java.util.concurrent.CompletionStage<?> stage);

    /**
     * Waits, in the kernel, until a descriptor you own (a pipe, a socket, an eventfd) is ready ({@code IOCB_CMD_POLL},
     * Linux 4.18+). The descriptor must stay open until the stage completes. {@link #cancel} works on these.
     *
     * @param events the poll(2) events to wait for, such as {@code POLLIN = 1}, {@code POLLOUT = 4}
     * @return a stage with the ready events (revents)
     */
    java.util.concurrent.CompletionStage<Integer> poll(int fd, int events);

    /**
     * An eventfd the kernel signals on every completion of this context ({@code IOCB_FLAG_RESFD}), when enabled with
     * {@link Builder#completionEventFd(boolean)} ({@code quarkus.aio.completion-eventfd}): register it with your own
     * event loop to learn that completions are arriving. The poller still collects them; the eventfd's counter is
     * yours to read and reset. Closed with the context.
     */
    java.util.OptionalInt completionEventFd();

    /** The most operations this context keeps in the kernel at once. */
    int queueDepth();

    /** Whether the context still accepts operations. */
    boolean isOpen();

    /**
     * Stops accepting operations, lets those in the kernel finish (up to the shutdown timeout), fails the rest
     * with {@link AioClosedException}, stops the poller and destroys the kernel context. Idempotent.
     */
    @Override
    void close();

    /** A builder for a context outside Quarkus (tests, tools, plain {@code main} programs). */
    static Builder builder() {
        return new Builder();
    }

    /** Settings of a context built outside Quarkus. */
    final class Builder {
        /** The largest queue depth accepted: far above any useful ring, well inside the kernel's own bound. */
        public static final int MAX_QUEUE_DEPTH = 1 << 20;

        private int queueDepth = 256;
        private Duration shutdownTimeout = Duration.ofSeconds(10);
        private Executor pollerExecutor;
        private Executor completionExecutor;
        private CloseableArenaBuffers closeableArenaBuffers = CloseableArenaBuffers.COPY;
        private boolean userspaceReap = true;
        private boolean batchPollerSubmits = true;
        private boolean completionEventFd;
        private AioFallback fallback = AioFallback.NONE;
        private java.util.function.Supplier<Executor> callerExecutor;

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

        /** How long {@link AioContext#close()} waits for operations in flight (0 to 1 day); default 10 s. */
        public Builder shutdownTimeout(Duration shutdownTimeout) {
            if (shutdownTimeout.isNegative() || shutdownTimeout.compareTo(Duration.ofDays(1)) > 0) {
                throw new IllegalArgumentException("shutdownTimeout must be between 0 and 1 day, was " + shutdownTimeout);
            }
            this.shutdownTimeout = shutdownTimeout;
            return this;
        }

        /**
         * Runs the completion poller, a loop that blocks in {@code io_getevents} for the context's whole life. It
         * needs a platform thread of its own. Default: a new daemon thread named {@code aio-poller}.
         */
        public Builder pollerExecutor(Executor pollerExecutor) {
            this.pollerExecutor = pollerExecutor;
            return this;
        }

        /**
         * Completes the returned stages, and so runs the stages that depend on them. Default {@code null}: they
         * complete on the poller thread, which is fastest but stalls every completion while a dependent stage
         * blocks.
         */
        public Builder completionExecutor(Executor completionExecutor) {
            this.completionExecutor = completionExecutor;
            return this;
        }

        /** What to do with buffers from arenas their owner can close; default {@link CloseableArenaBuffers#COPY}. */
        public Builder closeableArenaBuffers(CloseableArenaBuffers closeableArenaBuffers) {
            this.closeableArenaBuffers = java.util.Objects.requireNonNull(closeableArenaBuffers);
            return this;
        }

        /**
         * Whether the poller reads completions from the ring the kernel maps into the process, without a system call,
         * when there are any (as fio's userspace_reap, Seastar and ActiveMQ Artemis do); io_getevents is still used to
         * wait. Default true; false forces one io_getevents per wake-up.
         */
        public Builder userspaceReap(boolean userspaceReap) {
            this.userspaceReap = userspaceReap;
            return this;
        }

        /**
         * Whether operations submitted from completions running on the poller (no completion executor) are gathered
         * and submitted together, in one io_submit, once the current batch of completions has been dispatched.
         * Default true; false submits each at once.
         */
        public Builder batchPollerSubmits(boolean batchPollerSubmits) {
            this.batchPollerSubmits = batchPollerSubmits;
            return this;
        }

        /** Whether the kernel signals an eventfd on every completion (see {@link AioContext#completionEventFd()}). */
        public Builder completionEventFd(boolean completionEventFd) {
            this.completionEventFd = completionEventFd;
            return this;
        }

        /**
         * Called on the submitting thread for every operation: when it returns an executor, the operation's stage
         * completes on it rather than on the completion executor. Quarkus uses it to resume operations started on a
         * Vert.x context on that context.
         */
        public Builder callerExecutor(java.util.function.Supplier<Executor> callerExecutor) {
            this.callerExecutor = callerExecutor;
            return this;
        }

        /** What to do where Linux AIO cannot be used; default {@link AioFallback#NONE}: fail with the reason. */
        public Builder fallback(AioFallback fallback) {
            this.fallback = java.util.Objects.requireNonNull(fallback);
            return this;
        }

        /**
         * Creates the kernel context and starts the poller.
         *
         * @throws AioUnavailableException when Linux AIO cannot be used here, with the cause and the fix
         * @throws AioException when {@code io_setup} fails otherwise
         */
        public AioContext build() throws AioException {
            if (fallback == AioFallback.FORCED_THREAD_POOL) {
                return new ThreadPoolContext(queueDepth, shutdownTimeout, pollerExecutor, callerExecutor);
            }
            try {
                AioEngine engine = AioEngine.start(queueDepth, shutdownTimeout, pollerExecutor, completionExecutor,
                        closeableArenaBuffers, userspaceReap, batchPollerSubmits, completionEventFd);
                engine.resumeOn(callerExecutor);
                return engine;
            } catch (AioUnavailableException e) {
                if (fallback != AioFallback.THREAD_POOL) {
                    throw e;
                }
                org.jboss.logging.Logger.getLogger(AioContext.class).warnf(
                        "Linux AIO is unavailable, so file I/O runs on a thread pool instead (quarkus.aio.fallback"
                                + "=thread-pool): %s",
                        e.getMessage());
                return new ThreadPoolContext(queueDepth, shutdownTimeout, pollerExecutor, callerExecutor);
            }
        }
    }
}
