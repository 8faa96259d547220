package io.quarkiverse.aio;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/** The settings of one context, as {@link AioContext.Builder} collected them; immutable. */
public final class AioSettings {

    private final int queueDepth;
    private final int maxQueued;
    private final Duration shutdownTimeout;
    private final Duration pollerStallThreshold;
    private final Executor pollerExecutor;
    private final Executor completionExecutor;
    private final Executor blockingExecutor;
    private final Supplier<Executor> callerExecutor;
    private final CloseableArenaBuffers closeableArenaBuffers;
    private final SubmitBatching submitBatching;
    private final AioFallback fallback;
    private final boolean userspaceReap;
    private final boolean completionEventFd;

    AioSettings(AioContext.Builder builder) {
        this.queueDepth = builder.queueDepth;
        this.maxQueued = builder.maxQueued;
        this.shutdownTimeout = builder.shutdownTimeout;
        this.pollerStallThreshold = builder.pollerStallThreshold;
        this.pollerExecutor = builder.pollerExecutor;
        this.completionExecutor = builder.completionExecutor;
        this.blockingExecutor = builder.blockingExecutor;
        this.callerExecutor = builder.callerExecutor;
        this.closeableArenaBuffers = builder.closeableArenaBuffers;
        this.submitBatching = builder.submitBatching;
        this.fallback = builder.fallback;
        this.userspaceReap = builder.userspaceReap;
        this.completionEventFd = builder.completionEventFd;
    }

    /** See {@link AioContext.Builder#queueDepth(int)}. */
    public int queueDepth() {
        return queueDepth;
    }

    /** See {@link AioContext.Builder#maxQueued(int)}. */
    public int maxQueued() {
        return maxQueued;
    }

    /** See {@link AioContext.Builder#shutdownTimeout(Duration)}. */
    public Duration shutdownTimeout() {
        return shutdownTimeout;
    }

    /** See {@link AioContext.Builder#pollerStallThreshold(Duration)}; zero: no stall guard. */
    public Duration pollerStallThreshold() {
        return pollerStallThreshold;
    }

    /** See {@link AioContext.Builder#pollerExecutor(Executor)}; null: a thread of the context's own. */
    public Executor pollerExecutor() {
        return pollerExecutor;
    }

    /** See {@link AioContext.Builder#completionExecutor(Executor)}; null: stages complete where they are collected. */
    public Executor completionExecutor() {
        return completionExecutor;
    }

    /** See {@link AioContext.Builder#blockingExecutor(Executor)}; null: threads of the context's own. */
    public Executor blockingExecutor() {
        return blockingExecutor;
    }

    /** See {@link AioContext.Builder#callerExecutor(Supplier)}; null: no capture. */
    public Supplier<Executor> callerExecutor() {
        return callerExecutor;
    }

    /** See {@link AioContext.Builder#closeableArenaBuffers(CloseableArenaBuffers)}. */
    public CloseableArenaBuffers closeableArenaBuffers() {
        return closeableArenaBuffers;
    }

    /** See {@link AioContext.Builder#submitBatching(SubmitBatching)}. */
    public SubmitBatching submitBatching() {
        return submitBatching;
    }

    /** See {@link AioContext.Builder#fallback(AioFallback)}. */
    public AioFallback fallback() {
        return fallback;
    }

    /** See {@link AioContext.Builder#userspaceReap(boolean)}. */
    public boolean userspaceReap() {
        return userspaceReap;
    }

    /** See {@link AioContext.Builder#completionEventFd(boolean)}. */
    public boolean completionEventFd() {
        return completionEventFd;
    }
}
