package io.quarkiverse.aio.runtime.graal;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.quarkiverse.aio.internal.linux.LibC;
import io.quarkiverse.aio.internal.linux.NativeFunction;

/**
 * Every downcall the runtime links is registered for native executables: a missing one would only show in
 * production, as MissingForeignRegistrationError.
 */
class DowncallRegistrationTest {

    /** The Java signature a handle has when linked from {@code function}: errno capture adds a leading segment. */
    static MethodType handleType(NativeFunction function) {
        MethodType type = function.descriptor.toMethodType();
        return function.capturesErrno ? type.insertParameterTypes(0, MemorySegment.class) : type;
    }

    @Test
    void everyHandleLibCHoldsHasARegisteredShape() throws Exception {
        Set<MethodType> registered = AioDowncallsFeature.registrations().stream().map(DowncallRegistrationTest::handleType)
                .collect(Collectors.toSet());
        List<String> handles = new ArrayList<>();
        for (Field field : LibC.class.getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == MethodHandle.class) {
                field.setAccessible(true);
                MethodHandle handle = (MethodHandle) field.get(null); // initializes LibC: links every downcall
                assertTrue(registered.contains(handle.type()), field.getName() + " " + handle.type() + " is not registered");
                handles.add(field.getName());
            }
        }
        assertEquals(NativeFunction.values().length, handles.size(), "one handle per registered function: " + handles);
    }

    @Test
    void theFeatureRegistersEveryFunctionWithItsOptions() {
        assertEquals(List.of(NativeFunction.values()), AioDowncallsFeature.registrations());
        assertEquals(2, NativeFunction.SYSCALL_3.options().length, "firstVariadicArg and captureCallState");
        assertEquals(2, NativeFunction.OPEN.options().length);
        assertEquals(1, NativeFunction.CLOSE.options().length);
        assertEquals(0, NativeFunction.FREE.options().length);
    }

    /** Downcall handles are made in one place only, from the registered list. */
    @Test
    void noDowncallIsLinkedOutsideNativeFunction() throws IOException {
        Path sources = Path.of("src/main/java");
        try (Stream<Path> files = Files.walk(sources)) {
            List<Path> linking = files.filter(p -> p.toString().endsWith(".java")).filter(p -> {
                try {
                    String text = Files.readString(p);
                    return text.contains("downcallHandle(") || text.contains("upcallStub(");
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).map(sources::relativize).toList();
            assertEquals(List.of(Path.of("io/quarkiverse/aio/internal/linux/NativeFunction.java")), linking);
        }
    }
}
