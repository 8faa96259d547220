package io.quarkiverse.aio.bench;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.nio.file.ExtendedOpenOption;

/** Blocking positional reads and writes on a FileChannel from N platform or virtual threads, one I/O each. */
final class FileChannelLoad implements Load {

    static final int MAX_THREADS = 64;

    private final boolean virtual;
    private FileChannel channel;
    private volatile boolean running;
    private final List<Thread> threads = new ArrayList<>();
    private int threadCount;

    FileChannelLoad(boolean virtual) {
        this.virtual = virtual;
    }

    @Override
    public void start(Path path, long fileSize, Job job, Recorder recorder) throws Exception {
        channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT);
        running = true;
        threadCount = Math.min(job.queueDepth(), MAX_THREADS);
        AtomicLong cursor = new AtomicLong();
        for (int i = 0; i < threadCount; i++) {
            BlockPicker positions = new BlockPicker(job, fileSize, cursor, i);
            Runnable loop = () -> run(job, recorder, positions);
            threads.add(virtual ? Thread.ofVirtual().start(loop) : Thread.ofPlatform().start(loop));
        }
    }

    private void run(Job job, Recorder recorder, BlockPicker positions) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(job.blockSize() + 4096).alignedSlice(4096).limit(job.blockSize());
        try {
            while (running) {
                long position = positions.nextPosition();
                buffer.clear();
                long start = System.nanoTime();
                if (job.write()) {
                    channel.write(buffer, position);
                } else {
                    channel.read(buffer, position);
                }
                recorder.record(System.nanoTime() - start);
            }
        } catch (Exception e) {
            e.printStackTrace();
        }
    }

    @Override
    public String threads() {
        return threadCount + (virtual ? " virtual" : " platform");
    }

    @Override
    public void close() throws Exception {
        running = false;
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        }
        if (channel != null) {
            channel.close();
        }
    }
}
