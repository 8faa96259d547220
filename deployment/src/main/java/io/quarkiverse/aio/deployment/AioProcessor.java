package io.quarkiverse.aio.deployment;

import java.util.List;
import java.util.Optional;

import io.quarkiverse.aio.AioContextProvider;
import io.quarkiverse.aio.internal.linux.LibC;
import io.quarkiverse.aio.internal.linux.LinuxAio;
import io.quarkiverse.aio.runtime.AioContextProducer;
import io.quarkiverse.aio.runtime.AioMetricsRecorder;
import io.quarkiverse.aio.runtime.graal.AioDowncallsFeature;
import io.quarkus.arc.deployment.AdditionalBeanBuildItem;
import io.quarkus.deployment.Capabilities;
import io.quarkus.deployment.Capability;
import io.quarkus.deployment.annotations.BuildProducer;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.annotations.ExecutionTime;
import io.quarkus.deployment.annotations.Record;
import io.quarkus.deployment.metrics.MetricsCapabilityBuildItem;
import io.quarkus.deployment.metrics.MetricsFactoryConsumerBuildItem;
import io.quarkus.runtime.metrics.MetricsFactory;
import io.quarkus.smallrye.health.deployment.spi.HealthBuildItem;
import io.quarkus.deployment.builditem.FeatureBuildItem;
import io.quarkus.deployment.builditem.ModuleEnableNativeAccessBuildItem;
import io.quarkus.deployment.builditem.NativeImageFeatureBuildItem;
import io.quarkus.deployment.builditem.nativeimage.ReflectiveClassBuildItem;
import io.quarkus.deployment.builditem.nativeimage.RuntimeInitializedClassBuildItem;
import io.quarkus.deployment.builditem.nativeimage.ServiceProviderBuildItem;

class AioProcessor {

    static final String FEATURE = "aio";

    /** The runtime jar's module name (its Automatic-Module-Name); on the class path it maps to ALL-UNNAMED. */
    static final String RUNTIME_MODULE = "io.quarkiverse.aio";

    @BuildStep
    FeatureBuildItem feature() {
        return new FeatureBuildItem(FEATURE);
    }

    @BuildStep
    AdditionalBeanBuildItem beans() {
        return AdditionalBeanBuildItem.unremovableOf(AioContextProducer.class);
    }

    /**
     * With Vert.x, {@code AioFileSystem} and its Mutiny form: Vert.x {@code AsyncFile}s over the context. Named, not
     * class literals, like every Vert.x-facing class here: where Vert.x is absent nothing refers to it.
     */
    @BuildStep
    void vertxFileSystem(Capabilities capabilities, BuildProducer<AdditionalBeanBuildItem> beans) {
        if (capabilities.isPresent(Capability.VERTX)) {
            beans.produce(AdditionalBeanBuildItem.builder().setUnremovable()
                    .addBeanClasses(VERTX_FILE_SYSTEM, VERTX_FILE_SYSTEM.replace(".vertx.", ".vertx.mutiny.")).build());
        }
    }

    static final String VERTX_FILE_SYSTEM = "io.quarkiverse.aio.vertx.AioFileSystem";

    /** Writes Enable-Native-Access into the runner jar's manifest, so JDK 25 prints no restricted-method warning. */
    @BuildStep
    ModuleEnableNativeAccessBuildItem nativeAccess() {
        return new ModuleEnableNativeAccessBuildItem(RUNTIME_MODULE);
    }

    /** A readiness check named "aio" when the application has SmallRye Health. */
    @BuildStep
    HealthBuildItem healthCheck(Capabilities capabilities) {
        // A name, not a class literal: the check's class needs MicroProfile Health, which may be absent.
        return new HealthBuildItem("io.quarkiverse.aio.runtime.AioHealthCheck",
                capabilities.isPresent(Capability.SMALLRYE_HEALTH));
    }

    /** aio_* metrics when the application has a metrics extension (Micrometer). */
    @BuildStep
    @Record(ExecutionTime.RUNTIME_INIT)
    void metrics(Optional<MetricsCapabilityBuildItem> metrics, AioMetricsRecorder recorder,
            BuildProducer<MetricsFactoryConsumerBuildItem> consumers) {
        if (metrics.isPresent() && metrics.get().metricsSupported(MetricsFactory.MICROMETER)) {
            consumers.produce(new MetricsFactoryConsumerBuildItem(recorder.registerMetrics()));
        }
    }

    /**
     * With Vert.x, the producer makes its Vert.x context capture reflectively (so that nothing refers to Vert.x
     * where it is absent): a native executable needs that constructor registered.
     */
    @BuildStep
    void vertxContextCapture(Capabilities capabilities, BuildProducer<ReflectiveClassBuildItem> reflective) {
        if (capabilities.isPresent(Capability.VERTX)) {
            reflective.produce(ReflectiveClassBuildItem.builder("io.quarkiverse.aio.runtime.VertxContexts")
                    .constructors().build());
        }
    }

    /** Registers every FFM downcall shape, with its linker options, for the native-image build. */
    @BuildStep
    NativeImageFeatureBuildItem downcallRegistrations() {
        return new NativeImageFeatureBuildItem(AioDowncallsFeature.class);
    }

    /**
     * Classes holding downcall handles (bound to C symbol addresses) or the host's syscall table must be initialized
     * when the native executable starts, never at image build time.
     */
    @BuildStep
    List<RuntimeInitializedClassBuildItem> runtimeInitializedClasses() {
        return RUNTIME_INITIALIZED.stream().map(RuntimeInitializedClassBuildItem::new).toList();
    }

    /**
     * LibC holds the downcall handles, LinuxAio the syscall table of the host it starts on. Initializing them at run
     * time keeps method handles bound to C symbol addresses out of the image heap: such constants are the likely cause
     * of the linkToNative parsing failure of Quarkus issue 55594. ArenaKind holds a Thread and the JDK's arena classes
     * of the running JVM; the cleaner of CallerWaits starts a thread, and so does VirtualWaits (its watchdog); Failures
     * holds Paths of /proc.
     */
    static final List<String> RUNTIME_INITIALIZED = List.of(LibC.class.getName(), LinuxAio.class.getName(),
            "io.quarkiverse.aio.internal.ArenaKind", "io.quarkiverse.aio.internal.CallerWaits$Cleaners",
            "io.quarkiverse.aio.internal.VirtualWaits", "io.quarkiverse.aio.internal.Failures");

    /** AioContext.Builder finds the engine through ServiceLoader; a native executable needs the provider listed. */
    @BuildStep
    ServiceProviderBuildItem contextProvider() {
        return new ServiceProviderBuildItem(AioContextProvider.class.getName(), "io.quarkiverse.aio.internal.AioContextFactory");
    }
}
