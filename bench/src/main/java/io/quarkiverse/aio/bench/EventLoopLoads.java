package io.quarkiverse.aio.bench;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.nio.file.ExtendedOpenOption;

import io.quarkiverse.aio.AioFile;
import io.quarkiverse.aio.AioOpenOption;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

/**
 * Event-loop callers: a pipeline of QD lanes started on one Vert.x event loop, as a Quarkus reactive endpoint runs,
 * each completion (back on that event loop) issuing the lane's next read. Two ways to write it: with the injected
 * default context ({@link Aio}), and as such a user writes it today, FileChannel O_DIRECT reads offloaded with
 * {@code vertx.executeBlocking} to the worker pool ({@link OffloadedFileChannel}).
 */
final class EventLoopLoads {

    private EventLoopLoads() {
    }

    /** The part both share: Vert.x with one event loop and enough workers for QD blocking reads. */
    abstract static class OnEventLoop implements Load {
        Vertx vertx;
        Context context;
        volatile boolean running;
        CountDownLatch stopped;

        void startVertx(int queueDepth) {
            vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(Math.max(queueDepth, 20)));
            context = vertx.getOrCreateContext();
            running = true;
            stopped = new CountDownLatch(queueDepth);
        }

        void stopVertx() throws Exception {
            running = false;
            if (stopped != null) {
                stopped.await(30, TimeUnit.SECONDS);
            }
            if (vertx != null) {
                vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
        }
    }

    static final class Aio extends OnEventLoop {
        private ProducerContext aio;
        private AioFile file;

        @Override
        public void start(Path path, long fileSize, Job job, Recorder recorder) throws Exception {
            aio = ProducerContext.create();
            file = aio.aio.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE, AioOpenOption.DIRECT);
            startVertx(job.queueDepth());
            AtomicLong cursor = new AtomicLong();
            context.runOnContext(ignored -> {
                for (int i = 0; i < job.queueDepth(); i++) {
                    new Lane(recorder, new BlockPicker(job, fileSize, cursor, i), file.allocate(job.blockSize())).issue();
                }
            });
        }

        private final class Lane implements java.util.function.BiConsumer<Integer, Throwable> {
            final Recorder recorder;
            final BlockPicker positions;
            final MemorySegment buffer;
            long startNanos;

            Lane(Recorder recorder, BlockPicker positions, MemorySegment buffer) {
                this.recorder = recorder;
                this.positions = positions;
                this.buffer = buffer;
            }

            void issue() {
                if (!running) {
                    stopped.countDown();
                    return;
                }
                startNanos = System.nanoTime();
                file.read(buffer, positions.nextPosition()).whenComplete(this);
            }

            @Override
            public void accept(Integer bytes, Throwable failure) {
                recorder.record(System.nanoTime() - startNanos);
                if (failure != null || !Context.isOnEventLoopThread()) {
                    System.err.println("not on the event loop, or failed: " + failure);
                    running = false;
                }
                issue();
            }
        }

        @Override
        public String threads() {
            return "1 event loop, injected default context";
        }

        @Override
        public void close() throws Exception {
            stopVertx();
            if (file != null) {
                file.close();
            }
            if (aio != null) {
                aio.close();
            }
        }
    }

    static final class OffloadedFileChannel extends OnEventLoop {
        private FileChannel channel;

        @Override
        public void start(Path path, long fileSize, Job job, Recorder recorder) throws Exception {
            channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE,
                    ExtendedOpenOption.DIRECT);
            startVertx(job.queueDepth());
            AtomicLong cursor = new AtomicLong();
            context.runOnContext(ignored -> {
                for (int i = 0; i < job.queueDepth(); i++) {
                    ByteBuffer buffer = ByteBuffer.allocateDirect(job.blockSize() + 4096).alignedSlice(4096)
                            .limit(job.blockSize());
                    new Lane(recorder, new BlockPicker(job, fileSize, cursor, i), buffer).issue();
                }
            });
        }

        private final class Lane implements Handler<AsyncResult<Integer>> {
            final Recorder recorder;
            final BlockPicker positions;
            final ByteBuffer buffer;
            long startNanos;

            Lane(Recorder recorder, BlockPicker positions, ByteBuffer buffer) {
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
                vertx.executeBlocking(() -> channel.read(buffer.clear(), position), false).onComplete(this);
            }

            @Override
            public void handle(AsyncResult<Integer> result) {
                recorder.record(System.nanoTime() - startNanos);
                if (result.failed()) {
                    result.cause().printStackTrace();
                    running = false;
                }
                issue();
            }
        }

        @Override
        public String threads() {
            return "1 event loop, FileChannel offloaded with vertx.executeBlocking";
        }

        @Override
        public void close() throws Exception {
            stopVertx();
            if (channel != null) {
                channel.close();
            }
        }
    }
}
