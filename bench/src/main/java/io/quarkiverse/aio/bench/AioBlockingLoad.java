package io.quarkiverse.aio.bench;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.quarkiverse.aio.AioFile;
import io.quarkiverse.aio.AioOpenOption;

/**
 * Blocking callers: QD platform or virtual threads, each with one operation in flight that it waits for with
 * {@code toCompletableFuture().get(timeout)}, as code in a {@code @Blocking} or {@code @RunOnVirtualThread} endpoint
 * does. The reference is {@link FileChannelLoad} on the same kind and number of threads.
 */
final class AioBlockingLoad implements Load {

    private final boolean virtual;
    private ProducerContext context;
    private AioFile file;
    private volatile boolean running;
    private final List<Thread> threads = new ArrayList<>();

    AioBlockingLoad(boolean virtual) {
        this.virtual = virtual;
    }

    @Override
    public void start(Path path, long fileSize, Job job, Recorder recorder) throws Exception {
        context = ProducerContext.create();
        file = context.aio.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE, AioOpenOption.DIRECT);
        running = true;
        AtomicLong cursor = new AtomicLong();
        for (int i = 0; i < job.queueDepth(); i++) {
            BlockPicker positions = new BlockPicker(job, fileSize, cursor, i);
            Runnable loop = () -> run(job, recorder, positions);
            threads.add(virtual ? Thread.ofVirtual().start(loop) : Thread.ofPlatform().start(loop));
        }
    }

    private void run(Job job, Recorder recorder, BlockPicker positions) {
        MemorySegment buffer = file.allocate(job.blockSize());
        try {
            while (running) {
                long position = positions.nextPosition();
                long start = System.nanoTime();
                (job.write() ? file.write(buffer, position) : file.read(buffer, position)).toCompletableFuture()
                        .get(30, TimeUnit.SECONDS);
                recorder.record(System.nanoTime() - start);
            }
        } catch (Exception e) {
            e.printStackTrace();
        }
    }

    @Override
    public String threads() {
        return threads.size() + (virtual ? " virtual" : " platform") + " threads blocking, injected default context";
    }

    @Override
    public void close() throws Exception {
        running = false;
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        }
        if (file != null) {
            file.close();
        }
        if (context != null) {
            context.close();
        }
    }
}
