package io.quarkiverse.aio.runtime.graal;

import java.util.List;

import org.graalvm.nativeimage.hosted.Feature;
import org.graalvm.nativeimage.hosted.RuntimeForeignAccess;

import io.quarkiverse.aio.internal.linux.NativeFunction;

/**
 * Registers every FFM downcall of this library for native executables, with its linker options. The list is
 * {@link NativeFunction}, the same one the bindings link from, so nothing can be linked without being registered.
 * Without this, a native executable fails at run time with {@code MissingForeignRegistrationError}.
 */
public final class AioDowncallsFeature implements Feature {

    /** What this feature registers: every function the bindings link. */
    static List<NativeFunction> registrations() {
        return List.of(NativeFunction.values());
    }

    @Override
    public void duringSetup(DuringSetupAccess access) {
        for (NativeFunction function : registrations()) {
            RuntimeForeignAccess.registerForDowncall(function.descriptor, (Object[]) function.options());
        }
    }

    @Override
    public String getDescription() {
        return "Registers the FFM downcalls of quarkus-aio (Linux AIO system calls and libc)";
    }
}
