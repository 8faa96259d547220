package io.quarkiverse.aio.runtime;

import java.time.Duration;

import io.quarkiverse.aio.AioFallback;
import io.quarkiverse.aio.CloseableArenaBuffers;
import io.quarkiverse.aio.SubmitBatching;
import io.quarkus.runtime.annotations.ConfigPhase;
import io.quarkus.runtime.configuration.MemorySize;
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

    /**
     * How many operations may wait in Java for room in the ring (from 1 to 16777216). Past it an operation fails at once
     * with {@code AioQueueFullException} and the context stays usable; {@code AioContext.queueRoom()} completes when
     * there is room again. The limit bounds what a runaway producer can pile up in memory (each waiting operation holds
     * its stage and its buffer) and leaves ordinary bursts alone.
     */
    @WithDefault("65536")
    int maxQueued();

    /**
     * Where the stages returned by read, write and fsync complete, and so where dependent stages run. Operations
     * started on a Vert.x event loop complete on that event loop either way.
     */
    @WithDefault("direct")
    CompletionDispatch completionDispatch();

    /**
     * With {@code completion-dispatch=direct}: how long a completion callback may hold the poller thread before
     * another thread takes over collecting completions, so that a blocking callback does not stall the others
     * ({@code 0} turns the guard off). The first takeover is logged with the callback's stack.
     */
    @WithDefault("10ms")
    Duration pollerStallThreshold();

    /**
     * How long shutdown waits for operations in the kernel before it cancels what can be cancelled
     * ({@code io_cancel}). Every operation the kernel completes meanwhile keeps its result; those still in the
     * kernel afterwards fail with {@code AioClosedException}, saying that they may or may not have taken effect.
     * Operations still waiting in Java for room in the ring are failed at once, and polls cancelled at once.
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
     * How operations that completion callbacks issue on the poller reach the kernel: {@code auto} sends each at once
     * while the poller has time to spare and gathers them, two to an {@code io_submit}, while it is busy most of the
     * time; {@code always} always gathers; {@code never} never does.
     */
    @WithDefault("auto")
    SubmitBatching submitBatching();

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

    /** The Vert.x {@code AsyncFile}s of {@code io.quarkiverse.aio.vertx.AioFileSystem}. */
    VertxFiles vertx();

    /** The Vert.x {@code AsyncFile}s of {@code AioFileSystem}. */
    interface VertxFiles {
        /**
         * How much memory, in aligned 1 MiB blocks, the read-ahead and the write staging of all the files together may
         * hold. A read stream that finds none free waits for one; a write that finds none free waits for a block of
         * its own stream being written, or, when its stream has none in the kernel, goes through the page cache, so
         * that streams waiting for each other (a pipe from one file to another) never deadlock. The
         * blocks count against the JVM's direct-memory limit, which is the heap size unless
         * {@code -XX:MaxDirectMemorySize} says otherwise: keep the budget well below it.
         */
        @WithDefault("32M")
        MemorySize bufferBudget();

        /**
         * Whether stream reads and block writes bypass the page cache ({@code O_DIRECT}) where the file system
         * allows it. Without it, or where the file system refuses it, they go through the page cache, and a read of
         * data that is not cached blocks the thread that submits it.
         */
        @WithDefault("true")
        boolean directIo();
    }

    /** Where completions are dispatched. */
    enum CompletionDispatch {
        /**
         * On the thread that collected the completion, without a hand-off: the poller, or a platform thread that was
         * waiting for its own operation. A callback that blocks longer than {@code poller-stall-threshold} makes
         * another thread take over; none of them needs a thread of the worker pool.
         */
        DIRECT,
        /**
         * Every completion handed to the Quarkus managed executor (the worker pool): one hand-off per operation, for
         * applications whose callbacks routinely block. A worker blocked on an operation then needs another worker to
         * complete it, so do not block workers on operations in this mode.
         */
        EXECUTOR
    }
}
