package io.quarkiverse.aio.runtime;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import io.quarkiverse.aio.AioContext;
import io.quarkiverse.aio.AioStatistics;

/**
 * Readiness of the AIO context: open, and its completion poller alive (a dead poller would leave every operation
 * waiting). Registered only when the application has SmallRye Health.
 */
@Readiness
@ApplicationScoped
public class AioHealthCheck implements HealthCheck {

    @Inject
    AioContext aio;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("aio")
                .withData("queue-depth", aio.queueDepth());
        AioStatistics statistics = aio.statistics();
        boolean polling = statistics.pollerRunning();
        response.withData("backend", statistics.backend()).withData("poller", polling ? "running" : "stopped")
                .withData("in-flight", statistics.inFlight()).withData("queued", statistics.queued());
        return response.status(aio.isOpen() && polling).build();
    }
}
