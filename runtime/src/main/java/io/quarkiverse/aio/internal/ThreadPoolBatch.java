package io.quarkiverse.aio.internal;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import io.quarkiverse.aio.AioBatch;
import io.quarkiverse.aio.AioFile;
import io.quarkiverse.aio.RwFlags;

/**
 * The fallback's {@link AioBatch}: without a kernel ring there is nothing to submit together, so each operation is
 * started at {@link #submit()}, in order, as the same call on the file; one its file refuses then fails its stage.
 */
final class ThreadPoolBatch implements AioBatch {

    private final ThreadPoolContext context;
    private final List<Runnable> starts = new ArrayList<>();
    private boolean submitted;

    ThreadPoolBatch(ThreadPoolContext context) {
        this.context = context;
    }

    private <T> CompletionStage<T> add(AioFile file, Supplier<CompletionStage<T>> call) {
        if (submitted) {
            throw new IllegalStateException("this batch was submitted already; start another with AioContext.batch()");
        }
        if (!(file instanceof ThreadPoolFile poolFile) || !poolFile.belongsTo(context)) {
            throw new IllegalArgumentException(file + " belongs to another AIO context than this batch");
        }
        CompletableFuture<T> stage = new CompletableFuture<>();
        starts.add(() -> {
            try {
                call.get().whenComplete((result, failure) -> {
                    if (failure != null) {
                        stage.completeExceptionally(failure);
                    } else {
                        stage.complete(result);
                    }
                });
            } catch (RuntimeException refused) {
                stage.completeExceptionally(refused);
            }
        });
        return stage;
    }

    @Override
    public CompletionStage<Integer> read(AioFile file, MemorySegment dst, long position) {
        return add(file, () -> file.read(dst, position));
    }

    @Override
    public CompletionStage<Integer> write(AioFile file, MemorySegment src, long position, RwFlags flags) {
        return add(file, () -> file.write(src, position, flags));
    }

    @Override
    public CompletionStage<Integer> read(AioFile file, ByteBuffer dst, long position) {
        return add(file, () -> file.read(dst, position));
    }

    @Override
    public CompletionStage<Integer> write(AioFile file, ByteBuffer src, long position) {
        return add(file, () -> file.write(src, position));
    }

    @Override
    public CompletionStage<Void> fsync(AioFile file) {
        return add(file, file::fsync);
    }

    @Override
    public CompletionStage<Void> fdatasync(AioFile file) {
        return add(file, file::fdatasync);
    }

    @Override
    public int size() {
        return starts.size();
    }

    @Override
    public void submit() {
        if (submitted) {
            throw new IllegalStateException("this batch was submitted already; start another with AioContext.batch()");
        }
        submitted = true;
        starts.forEach(Runnable::run);
    }
}
