package io.quarkiverse.aio.runtime;

import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.quarkiverse.aio.AioContext;
import io.quarkiverse.aio.AioStatistics;
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
            AioStatistics statistics = context.statistics();
            MetricsFactory.TimeRecorder queued = factory.builder("aio.queue.time")
                    .description("Time from submission until the operation entered the kernel").buildTimer();
            MetricsFactory.TimeRecorder latency = factory.builder("aio.latency")
                    .description("Time from submission until the completion was collected").buildTimer();
            factory.builder("aio.submitted").description("Operations submitted").buildCounter(statistics::submitted);
            factory.builder("aio.completed").description("Operations completed, successfully or not")
                    .buildCounter(statistics::completed);
            factory.builder("aio.failed").description("Operations that completed with an error")
                    .buildCounter(statistics::failed);
            factory.builder("aio.in.flight").description("Operations in the kernel").buildGauge(statistics::inFlight);
            factory.builder("aio.queued").description("Operations waiting in Java for a slot of the ring")
                    .buildGauge(statistics::queued);
            context.observe((queuedNanos, totalNanos, error) -> {
                queued.update(queuedNanos, TimeUnit.NANOSECONDS);
                latency.update(totalNanos, TimeUnit.NANOSECONDS);
            });
        };
    }
}
