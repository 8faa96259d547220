package io.quarkiverse.aio.bench;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import io.quarkiverse.aio.AioFile;
import io.quarkiverse.aio.AioOpenOption;

/**
 * The size of the stage a read returns, estimated from its fields as HotSpot lays them out with compressed oops (a
 * 12-byte header, references of 4 bytes, the total rounded up to 8): what "bytes beyond the returned stage" subtracts.
 */
final class ShallowSize {

    private ShallowSize() {
    }

    static long ofStage(Path path) throws Exception {
        try (ProducerContext context = ProducerContext.create();
                AioFile file = context.aio.open(path, StandardOpenOption.READ, AioOpenOption.DIRECT)) {
            var stage = file.read(file.allocate(4096), 0).toCompletableFuture();
            stage.get();
            return of(stage.getClass());
        }
    }

    static long of(Class<?> type) {
        long bytes = 12;
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers())) {
                    continue;
                }
                Class<?> t = field.getType();
                bytes += t == long.class || t == double.class ? 8
                        : t == int.class || t == float.class || !t.isPrimitive() ? 4
                                : t == short.class || t == char.class ? 2 : 1;
            }
        }
        return (bytes + 7) / 8 * 8;
    }
}
