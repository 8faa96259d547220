package io.quarkiverse.aio.runtime;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

import io.quarkiverse.aio.AioContext;
import io.quarkiverse.aio.internal.AioEngine;
import io.quarkus.arc.Arc;
import io.quarkus.runtime.annotations.Recorder;
import io.quarkus.runtime.metrics.MetricsFactory;

/**
 * Registers the context's metrics with whichever metrics extension the application has (Micrometer: names such as
 * {@code aio_submitted_total}, {@code aio_in_flight}, {@code aio_latency_seconds}).
 */
@Recorder
public class AioMetricsRecorder {

    public Consumer<MetricsFactory> registerMetrics() {
        return factory -> {
            AioContext context = Arc.container().instance(AioContext.class).get();
            if (!(context instanceof AioEngine engine)) {
                return; // the thread-pool fallback keeps no figures
            }
            LongAdder completed = new LongAdder();
            LongAdder failed = new LongAdder();
            MetricsFactory.TimeRecorder queued = factory.builder("aio.queue.time")
                    .description("Time from submission until the operation entered the kernel").buildTimer();
            MetricsFactory.TimeRecorder latency = factory.builder("aio.latency")
                    .description("Time from submission until the completion was collected").buildTimer();
            factory.builder("aio.submitted").description("Operations submitted").buildCounter(engine::submittedCount);
            factory.builder("aio.completed").description("Operations completed, successfully or not")
                    .buildCounter(completed::sum);
            factory.builder("aio.failed").description("Operations that completed with an error")
                    .buildCounter(failed::sum);
            factory.builder("aio.in.flight").description("Operations in the kernel").buildGauge(engine::inFlight);
            factory.builder("aio.queued").description("Operations waiting in Java for a slot of the ring")
                    .buildGauge(engine::queued);
            engine.observe((queuedNanos, totalNanos, error) -> {
                completed.increment();
                if (error) {
                    failed.increment();
                }
                queued.update(queuedNanos, TimeUnit.NANOSECONDS);
                latency.update(totalNanos, TimeUnit.NANOSECONDS);
            });
        };
    }
}
