package io.quarkiverse.aio.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

import io.quarkiverse.aio.AioFile;
import io.quarkiverse.aio.AioOpenOption;

/**
 * Pipelined callbacks, as fio's libaio engine runs from its one thread: QD lanes, each completion issuing its lane's
 * next operation, on the context {@code @Inject AioContext} gets. Buffers from {@link AioFile#allocate} (the library's
 * zero-copy path), or from an {@code Arena.ofShared()} the caller owns (copied through library memory by default).
 */
final class AioLoad implements Load {

    private final boolean callerArena;
    private ProducerContext context;
    private AioFile file;
    private Arena arena;
    private volatile boolean running;
    private CountDownLatch stopped;

    /** @param callerArena whether the buffers come from the caller's own shared arena */
    AioLoad(boolean callerArena) {
        this.callerArena = callerArena;
    }

    @Override
    public long ioGeteventsCalls() {
        return context.aio.statistics().ioGeteventsCalls();
    }

    @Override
    public void start(Path path, long fileSize, Job job, Recorder recorder) throws Exception {
        context = ProducerContext.create();
        file = context.aio.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE, AioOpenOption.DIRECT);
        arena = callerArena ? Arena.ofShared() : null;
        running = true;
        stopped = new CountDownLatch(job.queueDepth());
        AtomicLong cursor = new AtomicLong();
        for (int i = 0; i < job.queueDepth(); i++) {
            MemorySegment buffer = callerArena ? arena.allocate(job.blockSize(), 4096) : file.allocate(job.blockSize());
            buffer.fill((byte) 0x42);
            new Lane(job, recorder, new BlockPicker(job, fileSize, cursor, i), buffer).issue();
        }
    }

    /** One operation in flight at a time; its completion issues the next. */
    private final class Lane implements BiConsumer<Integer, Throwable> {
        private final Job job;
        private final Recorder recorder;
        private final BlockPicker positions;
        private final MemorySegment buffer;
        private long startNanos;
        private boolean issuing;
        private boolean completedWhileIssuing;

        Lane(Job job, Recorder recorder, BlockPicker positions, MemorySegment buffer) {
            this.job = job;
            this.recorder = recorder;
            this.positions = positions;
            this.buffer = buffer;
        }

        void issue() {
            issuing = true;
            do {
                completedWhileIssuing = false;
                if (!running) {
                    stopped.countDown();
                    break;
                }
                long position = positions.nextPosition();
                startNanos = System.nanoTime();
                (job.write() ? file.write(buffer, position) : file.read(buffer, position)).whenComplete(this);
            } while (completedWhileIssuing); // completed at once: loop here rather than recurse
            issuing = false;
        }

        @Override
        public void accept(Integer bytes, Throwable failure) {
            recorder.record(System.nanoTime() - startNanos);
            if (failure != null) {
                failure.printStackTrace();
                running = false;
            }
            if (issuing) {
                completedWhileIssuing = true;
            } else {
                issue();
            }
        }
    }

    @Override
    public String threads() {
        return "injected default context, " + (callerArena ? "caller's Arena.ofShared buffers" : "AioFile.allocate buffers");
    }

    @Override
    public void close() throws Exception {
        running = false;
        if (stopped != null) {
            stopped.await(30, TimeUnit.SECONDS);
        }
        if (file != null) {
            file.close();
        }
        if (context != null) {
            context.close();
        }
        if (arena != null) {
            arena.close();
        }
    }
}
