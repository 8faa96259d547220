package io.quarkiverse.aio.deployment;

import java.util.List;

import io.quarkiverse.aio.internal.linux.LibC;
import io.quarkiverse.aio.internal.linux.LinuxAio;
import io.quarkiverse.aio.runtime.AioContextProducer;
import io.quarkiverse.aio.runtime.graal.AioDowncallsFeature;
import io.quarkus.arc.deployment.AdditionalBeanBuildItem;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.builditem.FeatureBuildItem;
import io.quarkus.deployment.builditem.ModuleEnableNativeAccessBuildItem;
import io.quarkus.deployment.builditem.NativeImageFeatureBuildItem;
import io.quarkus.deployment.builditem.nativeimage.RuntimeInitializedClassBuildItem;

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

    /** Writes Enable-Native-Access into the runner jar's manifest, so JDK 25 prints no restricted-method warning. */
    @BuildStep
    ModuleEnableNativeAccessBuildItem nativeAccess() {
        return new ModuleEnableNativeAccessBuildItem(RUNTIME_MODULE);
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
        return RUNTIME_INITIALIZED.stream().map(c -> new RuntimeInitializedClassBuildItem(c.getName())).toList();
    }

    /**
     * LibC holds the downcall handles, LinuxAio the syscall table of the host it starts on. Initializing them at run
     * time keeps method handles bound to C symbol addresses out of the image heap: such constants are the likely cause
     * of the linkToNative parsing failure of Quarkus issue 55594.
     */
    static final List<Class<?>> RUNTIME_INITIALIZED = List.of(LibC.class, LinuxAio.class);
}
