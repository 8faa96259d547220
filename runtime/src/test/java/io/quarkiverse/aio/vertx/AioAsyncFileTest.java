package io.quarkiverse.aio.vertx;

import static io.quarkiverse.aio.TestFiles.TIMEOUT_SECONDS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkiverse.aio.AioContext;
import io.quarkiverse.aio.TestFiles;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.AsyncFileLock;
import io.vertx.core.file.FileSystemException;
import io.vertx.core.file.OpenOptions;

/**
 * The AIO {@code AsyncFile} against the behaviour of Vert.x's own, case by case as Vert.x's FileSystemTest checks
 * it (streams, positions, lengths, back-pressure, close, options, locks), on real files under target/ and the real
 * kernel. Where both can run the same steps, both do, and their results are compared.
 */
class AioAsyncFileTest {

    private static final Path DIR = TestFiles.directory(AioAsyncFileTest.class);
    private static Vertx vertx;
    private static AioContext aio;
    /** A small budget (8 blocks), so that the streams here also wait for blocks. */
    private static AioFileSystem files;
    private static Context context;
    private static final AtomicInteger names = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        aio = AioContext.builder().build();
        files = new AioFileSystem(vertx, aio, 8 << 20, true);
        context = vertx.getOrCreateContext();
    }

    @AfterAll
    static void stop() throws Exception {
        TestFileSystems.close(aio, vertx);
    }

    /** Every test gives every block back to the pool: none is lost to a stream that ended, failed or was closed. */
    @AfterEach
    void everyBlockBack() throws Exception {
        TestFileSystems.assertEveryBlockBack(files, "blocks still out of the pool");
    }

    /** Runs {@code work} on the test's event-loop context and waits for the future it returns. */
    private static <T> T on(Supplier<Future<T>> work) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        context.runOnContext(v -> {
            try {
                work.get().onComplete(r -> {
                    if (r.succeeded()) {
                        result.complete(r.result());
                    } else {
                        result.completeExceptionally(r.cause());
                    }
                });
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        return TestFiles.await(result);
    }

    private static String fresh() {
        return DIR.resolve("f" + names.incrementAndGet()).toString();
    }

    private static byte[] random(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    private static AsyncFile open(String path, OpenOptions options) throws Exception {
        return on(() -> files.open(path, options));
    }

    /** Writes {@code data} through the write stream in chunks of varying, unaligned sizes, then ends it. */
    private static void writeStream(AsyncFile file, byte[] data, long seed) throws Exception {
        on(() -> {
            Random sizes = new Random(seed);
            List<Future<Void>> writes = new ArrayList<>();
            for (int at = 0; at < data.length;) {
                int n = Math.min(data.length - at, 1 + sizes.nextInt(100_000));
                writes.add(file.write(Buffer.buffer(java.util.Arrays.copyOfRange(data, at, at + n))));
                at += n;
            }
            return Future.all(writes).compose(v -> file.end());
        });
    }

    /** Reads the whole read stream into memory, checking every handler runs on the context and each chunk's size. */
    private static byte[] readStream(AsyncFile file, int maxChunk) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<String> wrong = new CopyOnWriteArrayList<>();
        AtomicInteger ends = new AtomicInteger();
        on(() -> {
            io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
            file.handler(buffer -> {
                if (Vertx.currentContext() != context) {
                    wrong.add("data on " + Thread.currentThread().getName());
                }
                if (buffer.length() > maxChunk || buffer.length() == 0) {
                    wrong.add("a chunk of " + buffer.length());
                }
                out.writeBytes(buffer.getBytes());
            });
            file.endHandler(v -> {
                if (Vertx.currentContext() != context) {
                    wrong.add("end on " + Thread.currentThread().getName());
                }
                ends.incrementAndGet();
                done.complete();
            });
            file.exceptionHandler(done::tryFail);
            return done.future();
        });
        assertEquals(List.of(), wrong);
        assertEquals(1, ends.get());
        return out.toByteArray();
    }

    @Test
    void aMissingFileWithoutCreateFailsAsVertxDoes() throws Exception {
        String path = DIR.resolve("missing").toString();
        OpenOptions options = new OpenOptions().setCreate(false);
        Throwable ours = assertThrows(FileSystemException.class, () -> open(path, options));
        Throwable theirs = assertThrows(FileSystemException.class,
                () -> on(() -> vertx.fileSystem().open(path, options)));
        assertEquals(theirs.getMessage(), ours.getMessage());
        assertTrue(ours.getMessage().contains(path), ours.getMessage());
        assertInstanceOf(NoSuchFileException.class, ours.getCause());
    }

    @Test
    void neitherReadNorWriteIsRefused() {
        Throwable e = assertThrows(FileSystemException.class,
                () -> open(fresh(), new OpenOptions().setRead(false).setWrite(false)));
        assertTrue(e.getMessage().contains("neither reading nor writing"), e.getMessage());
    }

    @Test
    void createNewOnAnExistingFileFails() throws Exception {
        String path = fresh();
        Files.write(Path.of(path), new byte[] { 1 });
        Throwable e = assertThrows(FileSystemException.class, () -> open(path, new OpenOptions().setCreateNew(true)));
        assertInstanceOf(FileAlreadyExistsException.class, e.getCause());
    }

    @Test
    void theWriteStreamWritesWhatVertxsWritesAcrossBlocks() throws Exception {
        byte[] data = random(3_500_123, 1);
        String ours = fresh(), theirs = fresh();
        writeStream(open(ours, new OpenOptions()), data, 7);
        AsyncFile vertxFile = on(() -> vertx.fileSystem().open(theirs, new OpenOptions()));
        writeStream(vertxFile, data, 7);
        assertArrayEquals(Files.readAllBytes(Path.of(theirs)), Files.readAllBytes(Path.of(ours)));
        assertArrayEquals(data, Files.readAllBytes(Path.of(ours)));
    }

    @Test
    void aWriteStreamFromAnUnalignedPositionKeepsTheBytesBeforeIt() throws Exception {
        String path = fresh();
        byte[] before = random(10_000, 2);
        Files.write(Path.of(path), before);
        byte[] data = random(1_300_000, 3);
        AsyncFile file = open(path, new OpenOptions());
        file.setWritePos(4099);
        writeStream(file, data, 11);
        byte[] expected = new byte[4099 + data.length];
        System.arraycopy(before, 0, expected, 0, 4099);
        System.arraycopy(data, 0, expected, 4099, data.length);
        assertArrayEquals(expected, Files.readAllBytes(Path.of(path)));
    }

    @Test
    void appendStartsTheWriteStreamAtTheEnd() throws Exception {
        String path = fresh();
        Files.write(Path.of(path), random(5000, 4));
        AsyncFile file = open(path, new OpenOptions().setAppend(true));
        assertEquals(5000, file.getWritePos());
        writeStream(file, random(100, 5), 1);
        assertEquals(5100, Files.size(Path.of(path)));
    }

    @Test
    void theReadStreamReadsWhatVertxsReads() throws Exception {
        String path = fresh();
        byte[] data = random(2_600_777, 6);
        Files.write(Path.of(path), data);
        byte[] ours = readStream(open(path, new OpenOptions()), AioAsyncFile.DEFAULT_READ_BUFFER_SIZE);
        byte[] theirs = readStream(on(() -> vertx.fileSystem().open(path, new OpenOptions())), 8192);
        assertArrayEquals(theirs, ours);
        assertArrayEquals(data, ours);
    }

    @Test
    void readPosReadLengthAndBufferSizeSelectThePart() throws Exception {
        String path = fresh();
        byte[] data = random(3_000_000, 7);
        Files.write(Path.of(path), data);
        long[][] parts = { { 0, 1 }, { 1, 4095 }, { 4095, 2 }, { 1_000_001, 1_500_000 }, { 2_999_999, 10 },
                { 3_000_000, 5 }, { 5, 0 } };
        for (long[] part : parts) {
            AsyncFile file = open(path, new OpenOptions().setWrite(false));
            file.setReadPos(part[0]).setReadLength(part[1]).setReadBufferSize(65536);
            byte[] got = readStream(file, 65536);
            int from = (int) Math.min(part[0], data.length), to = (int) Math.min(data.length, part[0] + part[1]);
            assertArrayEquals(java.util.Arrays.copyOfRange(data, from, to), got, "part " + part[0] + "+" + part[1]);
            assertEquals(part[1] - got.length, file.getReadLength(), "the length left, as Vert.x counts it");
            on(file::close);
        }
    }

    @Test
    void anEmptyFileEndsAtOnce() throws Exception {
        String path = fresh();
        Files.write(Path.of(path), new byte[0]);
        assertEquals(0, readStream(open(path, new OpenOptions()), 8192).length);
    }

    /**
     * Quarkus REST sets the handler and then the end handler from a worker thread while the stream runs on the event
     * loop: a small file can be read and ended in between, and that end must still reach the end handler set after.
     */
    @Test
    void anEndHandlerSetFromAnotherThreadAfterTheEndStillHearsOfIt() throws Exception {
        String path = fresh();
        byte[] data = random(5_000, 25);
        Files.write(Path.of(path), data);
        AsyncFile file = open(path, new OpenOptions().setWrite(false));
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        CompletableFuture<Void> all = new CompletableFuture<>();
        file.handler(buffer -> { // from the test thread, not the file's context
            got.writeBytes(buffer.getBytes());
            if (got.size() == data.length) {
                all.complete(null);
            }
        });
        TestFiles.await(all);
        on(() -> Future.succeededFuture()); // the task that delivered the last bytes, and ended the stream, is over
        CompletableFuture<Context> ended = new CompletableFuture<>();
        file.endHandler(v -> ended.complete(Vertx.currentContext()));
        assertEquals(context, ended.get(TIMEOUT_SECONDS, TimeUnit.SECONDS), "the end, on the file's context");
        assertArrayEquals(data, got.toByteArray());
        on(file::close);
    }

    @Test
    void aPausedStreamIssuesNoMoreReadsAndFetchDeliversOneBuffer() throws Exception {
        String path = fresh();
        byte[] data = random(8 << 20, 8);
        Files.write(Path.of(path), data);
        AsyncFile file = open(path, new OpenOptions().setWrite(false));
        List<Buffer> got = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> ended = new CompletableFuture<>();
        context.runOnContext(v -> {
            file.setReadBufferSize(1 << 16);
            file.pause();
            file.handler(got::add);
            file.endHandler(e -> ended.complete(null));
        });
        Thread.sleep(300);
        long submitted = aio.statistics().submitted();
        Thread.sleep(300);
        assertEquals(0, got.size(), "a paused stream delivers nothing");
        assertEquals(submitted, aio.statistics().submitted(), "a paused stream issues no more reads");
        context.runOnContext(v -> file.fetch(1));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (got.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        Thread.sleep(200);
        assertEquals(1, got.size(), "fetch(1) hands over one buffer");
        long afterOne = aio.statistics().submitted();
        Thread.sleep(300);
        assertTrue(aio.statistics().submitted() - afterOne <= ReadAhead.MAX_DEPTH,
                "no reads beyond the read-ahead once paused again");
        context.runOnContext(v -> file.resume());
        ended.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        got.forEach(b -> all.writeBytes(b.getBytes()));
        assertArrayEquals(data, all.toByteArray());
        on(file::close);
    }

    @Test
    void positionedWritesAndReadsAtAnyPositionAndLength() throws Exception {
        String path = fresh();
        AsyncFile file = open(path, new OpenOptions());
        byte[] a = random(5000, 9), b = random(3, 10);
        on(() -> file.write(Buffer.buffer(a), 1234));
        on(() -> file.write(Buffer.buffer(b), 7));
        byte[] expected = new byte[1234 + 5000];
        System.arraycopy(a, 0, expected, 1234, a.length);
        System.arraycopy(b, 0, expected, 7, b.length);
        assertArrayEquals(expected, Files.readAllBytes(Path.of(path)));
        Buffer into = Buffer.buffer("xy");
        Buffer read = on(() -> file.read(into, 2, 1233, 10));
        assertEquals(12, read.length());
        assertArrayEquals(java.util.Arrays.copyOfRange(expected, 1233, 1243), read.getBytes(2, 12));
        assertEquals("xy", read.getString(0, 2));
        Buffer pastTheEnd = on(() -> file.read(Buffer.buffer(), 0, 1_000_000, 10));
        assertEquals(0, pastTheEnd.length(), "past the end: the buffer as it was, as Vert.x's");
        on(file::close);
    }

    @Test
    void aReadSeesTheStreamWritesBeforeItWithoutAFlush() throws Exception {
        AsyncFile file = open(fresh(), new OpenOptions());
        byte[] data = random(70_000, 11);
        Buffer read = on(() -> {
            file.write(Buffer.buffer(data));
            return file.read(Buffer.buffer(), 0, 0, data.length);
        });
        assertArrayEquals(data, read.getBytes());
        assertEquals(data.length, file.sizeBlocking());
        assertEquals(data.length, (long) on(file::size));
        on(file::flush);
        on(file::close);
    }

    @Test
    void aClosedFileRefusesLaterCallsAsVertxsDoes() throws Exception {
        AsyncFile file = open(fresh(), new OpenOptions());
        on(file::close);
        for (Runnable call : List.<Runnable> of(() -> file.write(Buffer.buffer("x")), () -> file.handler(b -> {
        }), file::pause, file::resume, () -> file.read(Buffer.buffer(), 0, 0, 1), file::flush, file::close,
                file::writeQueueFull)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, call::run);
            assertEquals("File handle is closed", e.getMessage());
        }
    }

    @Test
    void deleteOnCloseDeletesAndPermsApply() throws Exception {
        String path = fresh();
        AsyncFile file = open(path, new OpenOptions().setDeleteOnClose(true).setPerms("rw-------"));
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(Path.of(path)));
        on(file::close);
        assertFalse(Files.exists(Path.of(path)));
    }

    @Test
    void truncateExistingEmptiesTheFile() throws Exception {
        String path = fresh();
        Files.write(Path.of(path), random(100, 12));
        AsyncFile file = open(path, new OpenOptions().setTruncateExisting(true));
        assertEquals(0, file.sizeBlocking());
        on(file::close);
    }

    @Test
    void backPressureSaysFullAndDrains() throws Exception {
        AsyncFile file = open(fresh(), new OpenOptions());
        CompletableFuture<Void> drained = new CompletableFuture<>();
        boolean full = on(() -> {
            file.setWriteQueueMaxSize(2 << 20);
            file.drainHandler(v -> drained.complete(null));
            byte[] chunk = random(1 << 20, 13);
            for (int i = 0; i < 8 && !file.writeQueueFull(); i++) {
                file.write(Buffer.buffer(chunk));
            }
            return Future.succeededFuture(file.writeQueueFull());
        });
        assertTrue(full, "the queue is full after more than its size was written");
        drained.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        on(file::close);
    }

    @Test
    void aFailedBlockWriteFailsTheCloseAndIsReported() throws Exception {
        // Past the largest file ext4 and xfs hold: the write is accepted into a block, and the block's write fails.
        // That must not be lost in the staging.
        AsyncFile file = open(fresh(), new OpenOptions());
        List<Throwable> reported = new CopyOnWriteArrayList<>();
        Throwable e = assertThrows(Exception.class, () -> on(() -> {
            file.exceptionHandler(reported::add);
            file.setWritePos(1L << 60);
            file.write(Buffer.buffer(random(2 << 20, 14)));
            return file.close();
        }));
        assertEquals(1, reported.size(), "reported to the exception handler once");
        assertEquals(reported.get(0), e, "and the close fails with it");
    }

    @Test
    void aFileOpenedForOneDirectionRefusesTheOtherAsVertxs() throws Exception {
        String path = fresh();
        Files.write(Path.of(path), new byte[10]);
        AsyncFile readOnly = open(path, new OpenOptions().setWrite(false));
        assertThrows(java.nio.channels.NonWritableChannelException.class, () -> readOnly.write(Buffer.buffer("x")));
        AsyncFile writeOnly = open(path, new OpenOptions().setRead(false));
        assertThrows(java.nio.channels.NonReadableChannelException.class,
                () -> writeOnly.read(Buffer.buffer(), 0, 0, 1));
        on(readOnly::close);
        on(writeOnly::close);
    }

    @Test
    void pipingOneFileIntoAnotherCopiesIt() throws Exception {
        String from = fresh(), to = fresh();
        byte[] data = random(4_000_321, 15);
        Files.write(Path.of(from), data);
        AsyncFile source = open(from, new OpenOptions().setWrite(false));
        AsyncFile target = open(to, new OpenOptions());
        on(() -> source.pipeTo(target));
        assertArrayEquals(data, Files.readAllBytes(Path.of(to)));
    }

    @Test
    void manyStreamsShareASmallBudgetWithoutDeadlock() throws Exception {
        int streams = 12;
        byte[] data = random(3 << 20, 16);
        List<Future<Void>> copies = new ArrayList<>();
        List<String> targets = new ArrayList<>();
        String from = fresh();
        Files.write(Path.of(from), data);
        on(() -> {
            for (int i = 0; i < streams; i++) {
                String to = fresh();
                targets.add(to);
                copies.add(files.open(from, new OpenOptions().setWrite(false))
                        .compose(src -> files.open(to, new OpenOptions()).compose(src::pipeTo)));
            }
            return Future.all(copies);
        });
        for (String to : targets) {
            assertArrayEquals(data, Files.readAllBytes(Path.of(to)));
        }
        assertEquals(0, files.poolInUse(), "every block back in the pool");
    }

    /**
     * Four streams each write more than the whole budget (8 blocks) before any block comes back: the writes that find
     * no block wait for their stream's own, in order, a flush in the middle waits for them too, and every byte lands.
     */
    @Test
    void writesBeyondTheBudgetWaitForTheirStreamsBlocksInOrder() throws Exception {
        int streams = 4;
        List<byte[]> data = new ArrayList<>();
        List<String> paths = new ArrayList<>();
        List<Boolean> flushedAll = new CopyOnWriteArrayList<>();
        for (int i = 0; i < streams; i++) {
            data.add(random(10_000_000 + 4097 * i, 40 + i));
            paths.add(fresh());
        }
        on(() -> {
            List<Future<Void>> ends = new ArrayList<>();
            for (int i = 0; i < streams; i++) {
                byte[] bytes = data.get(i);
                String path = paths.get(i);
                ends.add(files.open(path, new OpenOptions()).compose(file -> {
                    Random sizes = new Random(path.hashCode());
                    int half = bytes.length / 2;
                    Future<Void> flushed = null;
                    for (int at = 0; at < bytes.length;) {
                        int n = Math.min(bytes.length - at, 1 + sizes.nextInt(300_000));
                        file.write(Buffer.buffer(java.util.Arrays.copyOfRange(bytes, at, at + n)));
                        at += n;
                        if (flushed == null && at >= half) {
                            long expected = at;
                            flushed = file.flush().map(v -> {
                                flushedAll.add(sizeOf(path) >= expected);
                                return null;
                            });
                        }
                    }
                    return flushed.compose(v -> file.end());
                }));
            }
            return Future.all(ends).mapEmpty();
        });
        for (int i = 0; i < streams; i++) {
            assertArrayEquals(data.get(i), Files.readAllBytes(Path.of(paths.get(i))), "stream " + i);
        }
        assertEquals(List.of(true, true, true, true), flushedAll, "each flush saw the writes before it in the file");
    }

    /**
     * One buffer, refilled for each write once the write before it completed, three times the budget's worth: the
     * writes past the budget wait for a block, and each completes only once its bytes are taken, so no refill shows.
     */
    /**
     * A download that waits in line for a block next to an upload whose writes wait for blocks too: the upload gives
     * its next block back to the line instead of keeping it for its own waiting writes, so the download starts long
     * before the upload's last write is taken.
     */
    @Test
    void aReadStreamWaitingForABlockGetsOneBeforeAWriterWithWaitingWrites() throws Exception {
        String source = fresh();
        byte[] read = random(2 << 20, 47);
        Files.write(Path.of(source), read);
        AsyncFile reader = open(source, new OpenOptions().setWrite(false));
        String target = fresh();
        int writes = 48;
        byte[] written = random(writes << 20, 48);
        AtomicInteger taken = new AtomicInteger();
        CompletableFuture<Integer> takenAtFirstData = new CompletableFuture<>();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        CompletableFuture<Void> readEnd = new CompletableFuture<>();
        on(() -> files.open(target, new OpenOptions()).compose(writer -> {
            List<Future<Void>> all = new ArrayList<>();
            for (int i = 0; i < writes; i++) { // six times the budget at once: most wait for the writer's blocks
                all.add(writer.write(Buffer.buffer(java.util.Arrays.copyOfRange(written, i << 20, (i + 1) << 20)))
                        .onSuccess(v -> taken.incrementAndGet()));
            }
            reader.endHandler(v -> readEnd.complete(null));
            reader.handler(buffer -> { // every block is out: this stream waits in line
                takenAtFirstData.complete(taken.get());
                got.writeBytes(buffer.getBytes());
            });
            return Future.all(all).compose(v -> writer.end());
        }));
        readEnd.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        int takenBefore = takenAtFirstData.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertTrue(takenBefore < writes - 8, "the download waited for the upload's writes: " + takenBefore
                + " of " + writes + " were taken before its first data");
        assertArrayEquals(read, got.toByteArray());
        assertArrayEquals(written, Files.readAllBytes(Path.of(target)));
        on(reader::close);
    }

    @Test
    void aWriteThatWaitsForABlockCompletesOnceItsBytesAreTaken() throws Exception {
        String path = fresh();
        int writes = 24;
        Buffer reused = Buffer.buffer(new byte[1 << 20]);
        AsyncFile file = open(path, new OpenOptions());
        on(() -> writeReusing(file, reused, 0, writes).compose(v -> file.end()));
        byte[] content = Files.readAllBytes(Path.of(path));
        assertEquals(writes << 20, content.length);
        for (int i = 0; i < writes; i++) {
            assertEquals((byte) i, content[i << 20], "first byte of write " + i);
            assertEquals((byte) i, content[((i + 1) << 20) - 1], "last byte of write " + i);
        }
    }

    /** A journal's pattern: a record, a flush not waited for, the next record; the flush completes all the same. */
    @Test
    void aFlushCompletesThoughASmallWriteFollowsIt() throws Exception {
        String path = fresh();
        AsyncFile file = open(path, new OpenOptions());
        on(() -> {
            file.write(Buffer.buffer("first record\n"));
            Future<Void> flushed = file.flush();
            file.write(Buffer.buffer("second record\n"));
            return flushed;
        });
        on(file::close);
        assertEquals("first record\nsecond record\n", Files.readString(Path.of(path)));
    }

    private static Future<Void> writeReusing(AsyncFile file, Buffer buffer, int i, int writes) {
        if (i == writes) {
            return Future.succeededFuture();
        }
        byte[] fill = new byte[buffer.length()];
        java.util.Arrays.fill(fill, (byte) i);
        buffer.setBytes(0, fill);
        return file.write(buffer).compose(v -> writeReusing(file, buffer, i + 1, writes));
    }

    private static long sizeOf(String path) {
        try {
            return Files.size(Path.of(path));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void locksAreRecordLocksAsVertxs() throws Exception {
        AsyncFile file = open(fresh(), new OpenOptions());
        AsyncFileLock lock = file.tryLock(0, 100, false);
        assertNotNull(lock);
        assertTrue(lock.overlaps(50, 10));
        assertFalse(lock.isShared());
        on(lock::release);
        assertFalse(lock.isValidBlocking());
        AsyncFileLock whole = on(file::lock);
        assertTrue(whole.isValidBlocking());
        on(file::close);
        assertFalse(whole.isValidBlocking(), "closing the file releases its locks");
    }
}
