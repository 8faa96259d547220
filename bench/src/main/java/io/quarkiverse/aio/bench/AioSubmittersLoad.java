package io.quarkiverse.aio.bench;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.quarkiverse.aio.AioFile;
import io.quarkiverse.aio.AioOpenOption;

/**
 * Many submitters: N platform threads share QD operations in flight, QD / N each, and every thread submits its own:
 * it keeps its reads in flight, waits for one, and submits the next read of every lane that completed, as fio's
 * threads do. With N = QD each thread has
 * one read in flight (the blocking callers of {@link AioBlockingLoad}); with N = 1 one thread keeps them all. What
 * it shows is whether the engine's cost per operation grows with the number of threads that submit and collect at
 * once (a lock taken by every submission and every completion would make it grow).
 */
final class AioSubmittersLoad implements Load {

    private final int submitters;
    private ProducerContext context;
    private AioFile file;
    private volatile boolean running;
    private final List<Thread> threads = new ArrayList<>();

    AioSubmittersLoad(int submitters) {
        this.submitters = submitters;
    }

    @Override
    public void start(Path path, long fileSize, Job job, Recorder recorder) throws Exception {
        context = ProducerContext.create();
        file = context.aio.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE, AioOpenOption.DIRECT);
        running = true;
        AtomicLong cursor = new AtomicLong();
        int lanes = Math.max(1, job.queueDepth() / submitters);
        for (int t = 0; t < submitters; t++) {
            int first = t * lanes;
            threads.add(Thread.ofPlatform().name("submitter-" + t).start(() -> run(job, recorder, fileSize, cursor,
                    first, lanes)));
        }
    }

    private void run(Job job, Recorder recorder, long fileSize, AtomicLong cursor, int firstLane, int lanes) {
        BlockPicker[] positions = new BlockPicker[lanes];
        MemorySegment[] buffers = new MemorySegment[lanes];
        @SuppressWarnings("unchecked")
        CompletableFuture<Integer>[] inFlight = new CompletableFuture[lanes];
        long[] started = new long[lanes];
        for (int i = 0; i < lanes; i++) {
            positions[i] = new BlockPicker(job, fileSize, cursor, firstLane + i);
            buffers[i] = file.allocate(job.blockSize());
            started[i] = System.nanoTime();
            inFlight[i] = file.read(buffers[i], positions[i].nextPosition()).toCompletableFuture();
        }
        try {
            for (int oldest = 0; running; oldest = (oldest + 1) % lanes) {
                inFlight[oldest].get(30, TimeUnit.SECONDS); // at least this one; the sweep takes all that are done
                for (int i = 0; i < lanes; i++) {
                    if (inFlight[i].isDone()) {
                        inFlight[i].get();
                        recorder.record(System.nanoTime() - started[i]);
                        started[i] = System.nanoTime();
                        inFlight[i] = file.read(buffers[i], positions[i].nextPosition()).toCompletableFuture();
                    }
                }
            }
            for (CompletableFuture<Integer> stage : inFlight) {
                stage.get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            e.printStackTrace();
        }
    }

    @Override
    public String threads() {
        return submitters + " submitting platform threads, injected default context";
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
