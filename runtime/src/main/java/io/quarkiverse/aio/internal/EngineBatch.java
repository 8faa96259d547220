package io.quarkiverse.aio.internal;

import static io.quarkiverse.aio.internal.linux.KernelAbi.IOCB_CMD_FDSYNC;
import static io.quarkiverse.aio.internal.linux.KernelAbi.IOCB_CMD_FSYNC;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

import io.quarkiverse.aio.AioBatch;
import io.quarkiverse.aio.AioFile;
import io.quarkiverse.aio.RwFlags;

/** An {@link AioBatch} of the Linux AIO engine: prepared operations, accepted and submitted together. */
final class EngineBatch implements AioBatch {

    private final AioEngine engine;
    private final List<OperationStage<?>> ops = new ArrayList<>();
    private boolean submitted;

    EngineBatch(AioEngine engine) {
        this.engine = engine;
    }

    private EngineFile fileOf(AioFile file) {
        if (submitted) {
            throw new IllegalStateException("this batch was submitted already; start another with AioContext.batch()");
        }
        if (!(file instanceof EngineFile engineFile) || engineFile.engine() != engine) {
            throw new IllegalArgumentException(file + " belongs to another AIO context than this batch");
        }
        return engineFile;
    }

    private <T> CompletionStage<T> add(OperationStage<T> op) {
        ops.add(op);
        return op;
    }

    @Override
    public CompletionStage<Integer> read(AioFile file, MemorySegment dst, long position) {
        return add(fileOf(file).prepareRead(dst, position, RwFlags.NONE));
    }

    @Override
    public CompletionStage<Integer> write(AioFile file, MemorySegment src, long position, RwFlags flags) {
        return add(fileOf(file).prepareWrite(src, position, flags));
    }

    @Override
    public CompletionStage<Integer> read(AioFile file, ByteBuffer dst, long position) {
        return add(fileOf(file).prepareRead(dst, position));
    }

    @Override
    public CompletionStage<Integer> write(AioFile file, ByteBuffer src, long position) {
        return add(fileOf(file).prepareWrite(src, position));
    }

    @Override
    public CompletionStage<Void> fsync(AioFile file) {
        return add(fileOf(file).prepareSync(IOCB_CMD_FSYNC));
    }

    @Override
    public CompletionStage<Void> fdatasync(AioFile file) {
        return add(fileOf(file).prepareSync(IOCB_CMD_FDSYNC));
    }

    @Override
    public int size() {
        return ops.size();
    }

    @Override
    public void submit() {
        if (submitted) {
            throw new IllegalStateException("this batch was submitted already; start another with AioContext.batch()");
        }
        submitted = true;
        engine.submitAll(ops);
    }
}
