package io.quarkiverse.aio.bench;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

import io.quarkiverse.aio.AioContext;
import io.quarkiverse.aio.AioFile;
import io.quarkiverse.aio.AioOpenOption;

/**
 * The library, through its public API only: one context, completions on the poller, and each completion issuing the
 * lane's next operation, as fio's libaio engine does from its one thread.
 */
final class AioLoad implements Load {

    private final boolean userspaceReap;
    private final boolean batchSubmits;
    private AioContext aio;
    private AioFile file;
    private volatile boolean running;
    private CountDownLatch stopped;

    /**
     * @param userspaceReap whether completions are read from the kernel's ring without a system call when possible
     * @param batchSubmits whether the next operations, issued from completions, go to the kernel in one io_submit
     */
    AioLoad(boolean userspaceReap, boolean batchSubmits) {
        this.userspaceReap = userspaceReap;
        this.batchSubmits = batchSubmits;
    }

    @Override
    public long ioGeteventsCalls() {
        return aio.statistics().ioGeteventsCalls();
    }

    @Override
    public void start(Path path, long fileSize, Job job, Recorder recorder) throws Exception {
        // completions on the poller (no completion executor)
        aio = AioContext.builder().queueDepth(Math.max(job.queueDepth(), 32)).userspaceReap(userspaceReap)
                .submitBatching(batchSubmits ? io.quarkiverse.aio.SubmitBatching.AUTO : io.quarkiverse.aio.SubmitBatching.NEVER).build();
        file = aio.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE, AioOpenOption.DIRECT);
        running = true;
        stopped = new CountDownLatch(job.queueDepth());
        AtomicLong cursor = new AtomicLong();
        for (int i = 0; i < job.queueDepth(); i++) {
            new Lane(job, recorder, new BlockPicker(job, fileSize, cursor, i)).issue();
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

        Lane(Job job, Recorder recorder, BlockPicker positions) {
            this.job = job;
            this.recorder = recorder;
            this.positions = positions;
            this.buffer = file.allocate(job.blockSize());
            buffer.fill((byte) 0x42);
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
        return "1 poller" + (userspaceReap ? "" : ", no ring") + (batchSubmits ? "" : ", unbatched");
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
        if (aio != null) {
            aio.close();
        }
    }
}
