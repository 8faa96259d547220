package io.quarkiverse.aio.bench;

import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.CompletionHandler;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.nio.file.ExtendedOpenOption;

/** The JDK's AsynchronousFileChannel on its default thread pool (on Linux: blocking pread/pwrite on a pool). */
final class AsyncChannelLoad implements Load {

    private AsynchronousFileChannel channel;
    private volatile boolean running;
    private CountDownLatch stopped;

    @Override
    public void start(Path path, long fileSize, Job job, Recorder recorder) throws Exception {
        channel = AsynchronousFileChannel.open(path, Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE,
                ExtendedOpenOption.DIRECT), null);
        running = true;
        stopped = new CountDownLatch(job.queueDepth());
        AtomicLong cursor = new AtomicLong();
        long blocks = fileSize / job.blockSize();
        for (int i = 0; i < job.queueDepth(); i++) {
            new Lane(job, recorder, blocks, cursor, 0x9E3779B97F4A7C15L * (i + 1)).issue();
        }
    }

    private final class Lane implements CompletionHandler<Integer, Void> {
        private final Job job;
        private final Recorder recorder;
        private final long blocks;
        private final AtomicLong cursor;
        private final ByteBuffer buffer;
        private long random;
        private long startNanos;

        Lane(Job job, Recorder recorder, long blocks, AtomicLong cursor, long seed) {
            this.job = job;
            this.recorder = recorder;
            this.blocks = blocks;
            this.cursor = cursor;
            this.random = seed;
            this.buffer = ByteBuffer.allocateDirect(job.blockSize() + 4096).alignedSlice(4096).limit(job.blockSize());
        }

        void issue() {
            if (!running) {
                stopped.countDown();
                return;
            }
            long block;
            if (job.random()) {
                random = Load.nextRandom(random);
                block = (random >>> 1) % blocks;
            } else {
                block = cursor.getAndIncrement() % blocks;
            }
            buffer.clear();
            startNanos = System.nanoTime();
            long position = block * job.blockSize();
            if (job.write()) {
                channel.write(buffer, position, null, this);
            } else {
                channel.read(buffer, position, null, this);
            }
        }

        @Override
        public void completed(Integer bytes, Void attachment) {
            recorder.record(System.nanoTime() - startNanos);
            issue();
        }

        @Override
        public void failed(Throwable failure, Void attachment) {
            failure.printStackTrace();
            running = false;
            stopped.countDown();
        }
    }

    @Override
    public String threads() {
        return "default pool";
    }

    @Override
    public void close() throws Exception {
        running = false;
        if (stopped != null) {
            stopped.await(30, TimeUnit.SECONDS);
        }
        if (channel != null) {
            channel.close();
        }
    }
}
