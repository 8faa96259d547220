package io.quarkiverse.aio.bench;

import java.time.Duration;
import java.util.concurrent.ExecutorService;

import org.jboss.threads.EnhancedQueueExecutor;

import io.quarkiverse.aio.AioContext;
import io.quarkiverse.aio.runtime.AioConfig;
import io.quarkiverse.aio.runtime.AioContextProducer;
import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * The context a Quarkus application gets from {@code @Inject AioContext} with no {@code quarkus.aio.*} property set:
 * the extension's own producer code, its configuration mapping with every default, and an executor built as Quarkus
 * builds its managed one (jboss-threads' EnhancedQueueExecutor, max(8 x CPUs, 200) threads).
 */
final class ProducerContext implements AutoCloseable {

    final AioContext aio;
    final ExecutorService managedExecutor;

    private ProducerContext(AioContext aio, ExecutorService managedExecutor) {
        this.aio = aio;
        this.managedExecutor = managedExecutor;
    }

    static ProducerContext create() throws Exception {
        SmallRyeConfig config = new SmallRyeConfigBuilder().addDefaultSources()
                .withConverter(Duration.class, 100, new DurationConverter()) // Quarkus' "10s" form
                .withConverter(MemorySize.class, 100, new MemorySizeConverter()) // and its "32M"
                .withMapping(AioConfig.class).build();
        ExecutorService executor = new EnhancedQueueExecutor.Builder()
                .setCorePoolSize(1)
                .setMaximumPoolSize(Math.max(8 * Runtime.getRuntime().availableProcessors(), 200))
                .setKeepAliveTime(Duration.ofSeconds(30))
                .setThreadFactory(Thread.ofPlatform().name("executor-thread-", 1).daemon(true).factory())
                .build();
        return new ProducerContext(AioContextProducer.create(config.getConfigMapping(AioConfig.class), executor),
                executor);
    }

    @Override
    public void close() {
        aio.close();
        managedExecutor.shutdown();
    }
}
