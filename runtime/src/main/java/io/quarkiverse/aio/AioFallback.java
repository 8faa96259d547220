package io.quarkiverse.aio;

/** What a context does where Linux AIO cannot be used (another OS, a seccomp profile, a kernel without AIO). */
public enum AioFallback {
    /** Fail at start with {@link AioUnavailableException}, which names the cause and the fix. The default. */
    NONE,
    /**
     * Where Linux AIO is unavailable, serve the same API from a thread pool doing blocking positional reads and
     * writes (what {@code AsynchronousFileChannel} does), with a warning: so that dev mode works on a macOS laptop.
     * Slower, and some operations are unavailable (poll, io_cancel, completion eventfd, fallocate reservations).
     */
    THREAD_POOL,
    /** Always use the thread pool, even where Linux AIO works: for tests and comparisons. */
    FORCED_THREAD_POOL
}
