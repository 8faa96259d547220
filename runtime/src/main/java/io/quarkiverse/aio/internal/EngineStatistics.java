package io.quarkiverse.aio.internal;

import java.util.concurrent.atomic.LongAdder;

import io.quarkiverse.aio.AioFileStatistics;
import io.quarkiverse.aio.AioStatistics;

/** The figures of an {@link AioEngine}: counters bumped on the hot path (striped, uncontended) and live gauges. */
final class EngineStatistics implements AioStatistics {

    final LongAdder submitted = new LongAdder();
    final LongAdder completed = new LongAdder();
    final LongAdder failed = new LongAdder();
    final LongAdder ioSubmitCalls = new LongAdder();
    final LongAdder nowaitRetries = new LongAdder();
    final LongAdder pollerStalls = new LongAdder();
    private final AioEngine engine;

    EngineStatistics(AioEngine engine) {
        this.engine = engine;
    }

    /** Operations accepted and not finished yet: submitted is counted before, completed after. */
    long unfinished() {
        long done = completed.sum(); // first: both only grow, so this never reads below the truth
        return submitted.sum() - done;
    }

    @Override
    public String backend() {
        return "linux-aio";
    }

    @Override
    public boolean pollerRunning() {
        return engine.lifecycle.pollerRunning();
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
    public AioFileStatistics files() {
        return engine.fileTotals.sum(inFlight(), queued());
    }

    @Override
    public long failed() {
        return failed.sum();
    }

    @Override
    public int inFlight() {
        return engine.slots.inUse();
    }

    @Override
    public int queued() {
        return engine.pending.size();
    }

    @Override
    public long ioSubmitCalls() {
        return ioSubmitCalls.sum();
    }

    @Override
    public long ioGeteventsCalls() {
        return engine.source.ioGeteventsCalls();
    }

    @Override
    public long ringCompletions() {
        return engine.source.ringCompletions();
    }

    @Override
    public long nowaitRetries() {
        return nowaitRetries.sum();
    }

    @Override
    public long pollerStalls() {
        return pollerStalls.sum();
    }

    @Override
    public String toString() {
        return "AioStatistics[submitted " + submitted() + ", completed " + completed() + ", failed " + failed()
                + ", in flight " + inFlight() + ", queued " + queued() + ", io_submit " + ioSubmitCalls()
                + ", io_getevents " + ioGeteventsCalls() + ", from the ring " + ringCompletions() + "]";
    }
}
