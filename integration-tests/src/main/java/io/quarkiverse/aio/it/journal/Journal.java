package io.quarkiverse.aio.it.journal;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.quarkiverse.aio.AioContext;
import io.quarkiverse.aio.AioFile;
import io.quarkiverse.aio.AioFileLock;
import io.quarkiverse.aio.AioOpenOption;
import io.quarkiverse.aio.RwFlags;
import io.quarkiverse.aio.it.Stages;

/**
 * One append-only journal file, written with O_DIRECT. An append is answered once its record is durable. Appends
 * that arrive while a commit is in the kernel wait, and the next commit takes all of them at once (group commit):
 * one write with {@code RWF_DSYNC} per group, so at 64 concurrent clients one device flush serves dozens of records.
 * One commit at a time: a record is durable only when every record before it is, which is what recovery needs (it
 * stops at the first record that does not hold).
 * <p>
 * A failed commit leaves the file's tail unknown, so the journal fails every later append rather than write over it
 * (the lesson of "fsyncgate"); it is reopened, and so recovered, at the next request.
 */
final class Journal implements AutoCloseable {

    /** Room for one group: the largest record, and as many small ones as a device write takes at once. */
    private static final int STAGING = 2 * RecordFormat.MAX_PAYLOAD;

    private record Append(byte[] payload, CompletableFuture<Long> offset) {
    }

    private final String name;
    private final AioFile file;
    private final AioFileLock lock;
    private final int block;
    private final MemorySegment staging;

    /** Guarded by this: appends waiting for the next commit, whether a commit is in the kernel, and the state. */
    private final ArrayDeque<Append> waiting = new ArrayDeque<>();
    private boolean committing;
    private long end;
    private long records;
    /** Group commits made since open: fewer than the records appended when appends were grouped. */
    private long commits;
    private IOException failure;
    private boolean closed;

    private Journal(String name, AioFile file, AioFileLock lock, Recovery.Result recovered) {
        this.name = name;
        this.file = file;
        this.lock = lock;
        this.block = file.offsetAlignment();
        this.staging = file.allocate(STAGING + block);
        this.end = recovered.end();
        this.records = recovered.records();
    }

    /**
     * Opens (creating it with mode 0600) and recovers the journal at {@code path}. Blocks: call it off the event loop.
     *
     * @throws JournalBusyException when another process holds it
     */
    static Journal open(AioContext aio, String name, Path path) throws IOException {
        AioFile file = aio.open(path, Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE, AioOpenOption.DIRECT),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            AioFileLock lock = file.tryLock();
            if (lock == null) {
                throw new JournalBusyException("journal " + name + " is held by another process (" + path + ")");
            }
            Recovery.Result recovered = Recovery.recover(file);
            return new Journal(name, file, lock, recovered);
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    String name() {
        return name;
    }

    /** Appends a record; the stage completes with its offset once it is durable. */
    CompletionStage<Long> append(byte[] payload) {
        if (payload.length > RecordFormat.MAX_PAYLOAD) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "a record holds at most " + RecordFormat.MAX_PAYLOAD + " bytes, this one " + payload.length));
        }
        Append append = new Append(payload, new CompletableFuture<>());
        boolean start;
        synchronized (this) {
            if (failure != null || closed) {
                return CompletableFuture.failedFuture(failure != null ? failure
                        : new IOException("journal " + name + " is closed"));
            }
            waiting.add(append);
            start = !committing;
            committing = true;
        }
        if (start) {
            commitNext();
        }
        return append.offset();
    }

    /** Takes what waits, writes it as one durable write, answers it, and goes on with what arrived meanwhile. */
    private void commitNext() {
        List<Append> group = new ArrayList<>();
        long at;
        synchronized (this) {
            long size = 0;
            while (!waiting.isEmpty() && size + RecordFormat.HEADER + waiting.peek().payload().length <= STAGING) {
                Append next = waiting.poll();
                size += RecordFormat.HEADER + next.payload().length;
                group.add(next);
            }
            if (group.isEmpty()) {
                committing = false;
                return;
            }
            at = end;
        }
        long[] offsets = new long[group.size()];
        int filled = 0;
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] = at + filled;
            filled += RecordFormat.encode(group.get(i).payload(), staging, filled);
        }
        long length = (filled + block - 1) / block * block;
        staging.asSlice(filled, length - filled).fill((byte) 0);
        CompletionStage<Integer> write;
        try {
            write = file.write(staging.asSlice(0, length), at, RwFlags.DSYNC);
        } catch (RuntimeException e) {
            write = CompletableFuture.failedFuture(e);
        }
        write.whenComplete((written, error) -> {
            IOException failed = null;
            if (error != null) {
                failed = new IOException("journal " + name + ": the commit at " + at + " failed: " + error, error);
            } else if (written != length) {
                failed = new IOException("journal " + name + ": short commit at " + at + ": " + written + " of "
                        + length + " bytes");
            }
            if (failed != null) {
                fail(group, failed);
                return;
            }
            synchronized (this) {
                end = at + length;
                records += offsets.length;
                commits++;
            }
            for (int i = 0; i < offsets.length; i++) {
                group.get(i).offset().complete(offsets[i]);
            }
            commitNext();
        });
    }

    private void fail(List<Append> group, IOException cause) {
        List<Append> rest;
        synchronized (this) {
            failure = cause;
            committing = false;
            rest = new ArrayList<>(waiting);
            waiting.clear();
        }
        group.forEach(a -> a.offset().completeExceptionally(cause));
        rest.forEach(a -> a.offset().completeExceptionally(cause));
    }

    synchronized boolean failed() {
        return failure != null;
    }

    /** Records and bytes durable now (padding included in the bytes), and the commits since open. */
    synchronized Summary summary() {
        return new Summary(name, records, end, commits);
    }

    record Summary(String name, long records, long bytes, long commitsSinceOpen) {
    }

    /** The payload of the record at {@code offset}, or null when no record starts there. */
    CompletionStage<byte[]> read(long offset) {
        long limit;
        synchronized (this) {
            limit = end;
        }
        if (offset < 0 || offset + RecordFormat.HEADER > limit) {
            return CompletableFuture.completedFuture(null);
        }
        return Recovery.readRecord(file, offset, limit);
    }

    /** Answers what still waits with a failure, then closes the file (the kernel finishes a commit in flight first). */
    @Override
    public void close() {
        List<Append> rest;
        synchronized (this) {
            closed = true;
            rest = new ArrayList<>(waiting);
            waiting.clear();
        }
        rest.forEach(a -> a.offset().completeExceptionally(new IOException("journal " + name + " was closed")));
        // Not lock.close(): the lock goes with the descriptor, whose close(2) waits for a commit still in the kernel.
        // Released earlier, another process could recover (and cut) the tail this commit is writing.
        file.close();
    }
}
