package io.quarkiverse.aio.it.journal;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkiverse.aio.AioContext;

/** The journal on the real kernel, without HTTP: group commit, torn tails cut off at reopen, the lock, the mode. */
class RecoveryTest {

    static final Path DIR = Path.of("target", "journal-recovery-test").toAbsolutePath();
    static AioContext aio;

    @BeforeAll
    static void context() throws IOException {
        Files.createDirectories(DIR);
        aio = AioContext.builder().build();
    }

    @AfterAll
    static void close() {
        aio.close();
    }

    static Path fresh(String name) throws IOException {
        Path path = DIR.resolve(name + ".journal");
        Files.deleteIfExists(path);
        return path;
    }

    static long await(CompletionStage<Long> stage) throws Exception {
        return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    static byte[] record(int i) {
        return ("record " + i + " " + "x".repeat(i % 700)).getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void concurrentAppendsAreGroupedAndReadBack() throws Exception {
        Path path = fresh("grouped");
        List<CompletionStage<Long>> appends = new ArrayList<>();
        try (Journal journal = Journal.open(aio, "grouped", path)) {
            for (int i = 0; i < 500; i++) {
                appends.add(journal.append(record(i))); // all at once: they wait while a commit is in the kernel
            }
            long previous = -1;
            for (int i = 0; i < appends.size(); i++) {
                long offset = await(appends.get(i));
                assertTrue(offset > previous, "offsets grow in the order of the appends");
                previous = offset;
                assertArrayEquals(record(i), journal.read(offset).toCompletableFuture().get(30, TimeUnit.SECONDS));
            }
            Journal.Summary summary = journal.summary();
            assertEquals(500, summary.records());
            assertTrue(summary.commitsSinceOpen() < 100, "grouped: " + summary.commitsSinceOpen() + " commits");
            assertNull(journal.read(1).toCompletableFuture().get(30, TimeUnit.SECONDS), "no record starts at 1");
        }
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(path)));
        try (Journal reopened = Journal.open(aio, "grouped", path)) {
            assertEquals(500, reopened.summary().records(), "every record found again");
            assertEquals(Files.size(path), reopened.summary().bytes());
        }
    }

    /** A whole record whose checksum does not hold, as a torn write leaves it: dropped, and the journal goes on. */
    @Test
    void aTornLastRecordIsDroppedAtReopen() throws Exception {
        Path path = fresh("torn");
        long end;
        try (Journal journal = Journal.open(aio, "torn", path)) {
            for (int i = 0; i < 3; i++) {
                await(journal.append(record(i)));
            }
            end = journal.summary().bytes();
        }
        byte[] payload = "never acknowledged".getBytes(StandardCharsets.UTF_8);
        appendRaw(path, end, header(payload.length, 0xBAD), payload); // the checksum does not match
        try (Journal journal = Journal.open(aio, "torn", path)) {
            assertEquals(3, journal.summary().records(), "the torn record is not counted");
            assertEquals(end, Files.size(path), "and cut off");
            long next = await(journal.append(record(3)));
            assertEquals(end, next, "the next record goes where the torn one was");
        }
        try (Journal journal = Journal.open(aio, "torn", path)) {
            assertEquals(4, journal.summary().records());
        }
    }

    /** A commit torn inside a block: its whole records stay, the rest of the block is zeroed, the tail cut off. */
    @Test
    void aCommitTornInsideABlockKeepsItsWholeRecords() throws Exception {
        Path path = fresh("torn-inside");
        long end;
        try (Journal journal = Journal.open(aio, "torn-inside", path)) {
            await(journal.append(record(0)));
            end = journal.summary().bytes();
        }
        byte[] whole = "whole".getBytes(StandardCharsets.UTF_8);
        byte[] torn = new byte[3000];
        java.util.Arrays.fill(torn, (byte) 'y');
        // As the kernel might leave an interrupted multi-block write: the first record whole, the second cut short.
        ByteBuffer wholeRecord = ByteBuffer.allocate(RecordFormat.HEADER + whole.length).order(ByteOrder.LITTLE_ENDIAN);
        wholeRecord.put(header(whole.length, checksumOf(whole))).put(whole).flip();
        ByteBuffer tornHeader = ByteBuffer.wrap(header(torn.length, checksumOf(torn)));
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
            channel.write(wholeRecord, end);
            channel.write(tornHeader, end + RecordFormat.HEADER + whole.length);
            channel.write(ByteBuffer.wrap(torn, 0, 1000), end + 2L * RecordFormat.HEADER + whole.length);
        }
        try (Journal journal = Journal.open(aio, "torn-inside", path)) {
            assertEquals(2, journal.summary().records(), "the whole record of the torn commit stays");
            long next = await(journal.append(record(1)));
            assertEquals(0, next % 512, "commits start on a block");
        }
        try (Journal journal = Journal.open(aio, "torn-inside", path)) {
            assertEquals(3, journal.summary().records(), "nothing lies behind garbage");
        }
    }

    /** Two openers of one journal, even in one process: the second is refused (an open file description lock). */
    @Test
    void aSecondOpenerIsRefused() throws Exception {
        Path path = fresh("locked");
        try (Journal journal = Journal.open(aio, "locked", path)) {
            JournalBusyException busy = assertThrows(JournalBusyException.class,
                    () -> Journal.open(aio, "locked", path));
            assertTrue(busy.getMessage().contains("held by another process"), busy.getMessage());
        }
        Journal.open(aio, "locked", path).close(); // released at close
    }

    @Test
    void aRecordAboveTheLimitIsRefused() throws Exception {
        try (Journal journal = Journal.open(aio, "large", fresh("large"))) {
            Throwable refused = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> await(journal.append(new byte[RecordFormat.MAX_PAYLOAD + 1]))).getCause();
            assertInstanceOf(IllegalArgumentException.class, refused);
            assertEquals(0, await(journal.append(new byte[RecordFormat.MAX_PAYLOAD])), "the limit itself fits");
        }
    }

    static byte[] header(int length, int checksum) {
        return ByteBuffer.allocate(RecordFormat.HEADER).order(ByteOrder.LITTLE_ENDIAN).putInt(RecordFormat.MAGIC)
                .putInt(length).putInt(checksum).array();
    }

    static int checksumOf(byte[] payload) {
        java.lang.foreign.MemorySegment scratch = java.lang.foreign.Arena.ofAuto()
                .allocate(RecordFormat.HEADER + payload.length);
        RecordFormat.encode(payload, scratch, 0);
        return scratch.get(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 8);
    }

    static void appendRaw(Path path, long at, byte[] header, byte[] payload) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(header), at);
            channel.write(ByteBuffer.wrap(payload), at + header.length);
        }
    }
}
