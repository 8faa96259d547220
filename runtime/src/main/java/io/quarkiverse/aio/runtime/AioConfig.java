package io.quarkiverse.aio.runtime;

import java.time.Duration;

import io.quarkiverse.aio.AioFallback;
import io.quarkiverse.aio.CloseableArenaBuffers;
import io.quarkus.runtime.annotations.ConfigPhase;
import io.quarkus.runtime.annotations.ConfigRoot;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Linux AIO. */
@ConfigMapping(prefix = "quarkus.aio")
@ConfigRoot(phase = ConfigPhase.RUN_TIME)
public interface AioConfig {

    /**
     * The most operations the kernel holds at once (the size of the context's ring, from 1 to 1048576). More wait in a
     * queue in Java and are submitted as earlier ones complete. Every context counts against the system-wide
     * {@code fs.aio-max-nr}.
     */
    @WithDefault("256")
    int queueDepth();

    /** Where the stages returned by read, write and fsync complete, and so where dependent stages run. */
    @WithDefault("executor")
    CompletionDispatch completionDispatch();

    /**
     * How long shutdown waits for operations already in the kernel. Operations that have not completed by then fail
     * with {@code AioClosedException}.
     */
    @WithDefault("10s")
    Duration shutdownTimeout();

    /**
     * What to do with buffers from arenas their owner can close ({@code Arena.ofConfined()}, {@code Arena.ofShared()}):
     * {@code copy} keeps the kernel away from them (writes are copied at submission, reads land in library memory and
     * are copied on completion, reads into confined arenas are refused); {@code trust} lets the kernel use them
     * directly, on the caller's promise to keep the arena open until the stage completes. Buffers from
     * {@code AioFile.allocate} and automatic arenas are always used directly and safely.
     */
    @WithDefault("copy")
    CloseableArenaBuffers closeableArenaBuffers();

    /**
     * Whether the poller reads completions from the kernel's completion ring in user space, without a system call,
     * when there are any. {@code false} forces one {@code io_getevents} call per wake-up (a switch kept because
     * ActiveMQ Artemis met a kernel race with user-space reaping on a full ring).
     */
    @WithDefault("true")
    boolean userspaceReap();

    /**
     * With {@code completion-dispatch=poller}: whether operations submitted from completions are gathered and sent to
     * the kernel together, in one {@code io_submit}, once the current batch of completions has been dispatched.
     * {@code false} submits each at once.
     */
    @WithDefault("true")
    boolean batchPollerSubmits();

    /**
     * Whether the kernel signals an eventfd on every completion ({@code IOCB_FLAG_RESFD}), which
     * {@code AioContext.completionEventFd()} returns, for applications that watch completions from their own event
     * loop.
     */
    @WithDefault("false")
    boolean completionEventfd();

    /**
     * What to do where Linux AIO cannot be used (another OS, a seccomp profile that denies io_setup, a kernel without
     * AIO): {@code none} fails at startup with the reason; {@code thread-pool} logs a warning and serves the same API
     * from a thread pool (for dev mode on macOS); {@code forced-thread-pool} uses the thread pool even where Linux AIO
     * works.
     */
    @WithDefault("none")
    AioFallback fallback();

    /** Where completions are dispatched. */
    enum CompletionDispatch {
        /**
         * On the Quarkus managed executor (the worker pool): dependent stages may block without delaying other
         * completions.
         */
        EXECUTOR,
        /**
         * On the completion poller thread itself: the lowest latency and no hand-off, but a dependent stage that
         * blocks delays every other completion. Use only with non-blocking callbacks.
         */
        POLLER
    }
}
