package io.quarkiverse.aio;

/**
 * Live figures of a context, read without locking: each is exact when read, but two of them read one after the other
 * may come from different moments. For health checks, metrics and dashboards.
 */
public interface AioStatistics {

    /** {@code "linux-aio"}, or {@code "thread-pool"} for the fallback. */
    String backend();

    /** Whether the completion poller is running (or starting); false once it has stopped. */
    boolean pollerRunning();

    /** Operations accepted since the context started. */
    long submitted();

    /** Operations whose stage has been completed, successfully or not. */
    long completed();

    /**
     * The reads, writes, syncs and bytes of every file this context opened, open or closed since, with the context's
     * operations in flight and queued: summed over the files when asked (nothing more is counted on the I/O path).
     * Polls are in {@link #completed()} only.
     */
    AioFileStatistics files();

    /** Operations that completed with an error (cancellations included). */
    long failed();

    /** Operations in the kernel, or being submitted into it. */
    int inFlight();

    /** Operations waiting in Java for room in the kernel's ring. */
    int queued();

    /** {@code io_submit} calls made. */
    long ioSubmitCalls();

    /** {@code io_getevents} calls made (the poller reads the kernel's completion ring without one when it can). */
    long ioGeteventsCalls();

    /** Completions read from the kernel's ring without a system call. */
    long ringCompletions();

    /** Operations retried without {@code RWF_NOWAIT} after the kernel answered EAGAIN. */
    long nowaitRetries();

    /** Times a completion callback held the poller longer than the stall threshold, so another thread took over. */
    long pollerStalls();
}
