package io.quarkiverse.aio.bench;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.activemq.artemis.nativo.jlibaio.LibaioContext;
import org.apache.activemq.artemis.nativo.jlibaio.LibaioFile;
import org.apache.activemq.artemis.nativo.jlibaio.SubmitInfo;

/**
 * ActiveMQ Artemis' native AIO layer (JNI over libaio), the Java library of kernel AIO in production, driven with the
 * pattern of {@link AioLoad}: QD lanes, each completion issuing its lane's next operation from the thread that ran it.
 * Configured as Artemis' journal configures it, but for the data sync: a context of its own with the semaphore that
 * bounds what is in flight, one thread in {@link LibaioContext#poll()} (which reaps completions from the kernel's ring
 * in user space and calls back through JNI), and aligned buffers from {@link LibaioContext#newAlignedBuffer}.
 */
final class ArtemisLoad implements Load {

    private LibaioContext<Lane> context;
    private LibaioFile<Lane> file;
    private Thread poller;
    private volatile boolean running;
    private CountDownLatch stopped;
    private final List<ByteBuffer> buffers = new ArrayList<>();

    @Override
    public void start(Path path, long fileSize, Job job, Recorder recorder) throws Exception {
        if (!LibaioContext.isLoaded()) {
            throw new IllegalStateException("Artemis' native library did not load: it needs libaio (Debian: libaio1)");
        }
        // Room for every lane, so the semaphore never blocks the thread that runs the completions; no fdatasync after
        // each round of completions (Artemis' journal asks for one; the other engines here sync nothing either).
        context = new LibaioContext<>(Math.max(64, 2 * job.queueDepth()), true, false);
        file = context.openFile(path.toFile(), true);
        poller = Thread.ofPlatform().name("artemis-poller").start(context::poll);
        running = true;
        stopped = new CountDownLatch(job.queueDepth());
        AtomicLong cursor = new AtomicLong();
        for (int i = 0; i < job.queueDepth(); i++) {
            ByteBuffer buffer = LibaioContext.newAlignedBuffer(job.blockSize(), 4096);
            buffers.add(buffer);
            for (int b = 0; b < job.blockSize(); b++) {
                buffer.put(b, (byte) 0x42);
            }
            new Lane(job, recorder, new BlockPicker(job, fileSize, cursor, i), buffer).issue();
        }
    }

    /** One operation in flight at a time; its completion issues the next. */
    private final class Lane implements SubmitInfo {
        private final Job job;
        private final Recorder recorder;
        private final BlockPicker positions;
        private final ByteBuffer buffer;
        private long startNanos;

        Lane(Job job, Recorder recorder, BlockPicker positions, ByteBuffer buffer) {
            this.job = job;
            this.recorder = recorder;
            this.positions = positions;
            this.buffer = buffer;
        }

        void issue() {
            if (!running) {
                stopped.countDown();
                return;
            }
            long position = positions.nextPosition();
            startNanos = System.nanoTime();
            try {
                if (job.write()) {
                    file.write(position, job.blockSize(), buffer, this);
                } else {
                    file.read(position, job.blockSize(), buffer, this);
                }
            } catch (Exception e) {
                e.printStackTrace();
                running = false;
                stopped.countDown();
            }
        }

        @Override
        public void done() {
            recorder.record(System.nanoTime() - startNanos);
            issue();
        }

        @Override
        public void onError(int errno, String message) {
            System.err.println("Artemis I/O failed: errno " + errno + ": " + message);
            running = false;
            stopped.countDown();
        }
    }

    @Override
    public String threads() {
        return "1 poller thread (Artemis native " + LibaioContext.class.getPackage().getImplementationVersion() + ")";
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
            context.close(); // wakes the poller, whose poll() then returns
        }
        if (poller != null) {
            poller.join(TimeUnit.SECONDS.toMillis(30));
        }
        buffers.forEach(LibaioContext::freeBuffer);
    }
}
