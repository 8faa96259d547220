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
        for (int i = 0; i < job.queueDepth(); i++) {
            new Lane(job, recorder, new BlockPicker(job, fileSize, cursor, i)).issue();
        }
    }

    private final class Lane implements CompletionHandler<Integer, Void> {
        private final Job job;
        private final Recorder recorder;
        private final BlockPicker positions;
        private final ByteBuffer buffer;
        private long startNanos;

        Lane(Job job, Recorder recorder, BlockPicker positions) {
            this.job = job;
            this.recorder = recorder;
            this.positions = positions;
            this.buffer = ByteBuffer.allocateDirect(job.blockSize() + 4096).alignedSlice(4096).limit(job.blockSize());
        }

        void issue() {
            if (!running) {
                stopped.countDown();
                return;
            }
            long position = positions.nextPosition();
            buffer.clear();
            startNanos = System.nanoTime();
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
