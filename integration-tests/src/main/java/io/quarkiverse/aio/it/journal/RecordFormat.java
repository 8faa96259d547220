package io.quarkiverse.aio.it.journal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * How a record lies in a journal file: a 12-byte header (magic, payload length, CRC32C of length and payload, all
 * little-endian) followed by the payload. Records of one group commit lie back to back; the commit is padded with
 * zeros up to the next block boundary, so a commit never rewrites a block an earlier commit made durable. A record
 * never starts with a zero byte (every byte of the magic is non-zero), which is how a reader tells padding from a
 * record.
 */
final class RecordFormat {

    static final int HEADER = 12;
    /** "JRN1": no zero byte. */
    static final int MAGIC = 0x314E524A;
    static final int MAX_PAYLOAD = 1 << 20;

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private RecordFormat() {
    }

    /** Writes the record at {@code offset} of {@code dst}; returns its size. */
    static int encode(byte[] payload, MemorySegment dst, long offset) {
        dst.set(INT, offset, MAGIC);
        dst.set(INT, offset + 4, payload.length);
        dst.set(INT, offset + 8, checksum(payload.length, MemorySegment.ofArray(payload), 0));
        MemorySegment.copy(payload, 0, dst, ValueLayout.JAVA_BYTE, offset + HEADER, payload.length);
        return HEADER + payload.length;
    }

    /** Whether the byte at {@code offset} is padding: a record would start with the magic's first byte. */
    static boolean isPadding(MemorySegment src, long offset) {
        return src.get(ValueLayout.JAVA_BYTE, offset) == 0;
    }

    /**
     * The payload length of the record whose header is at {@code offset}, or -1 when there is no plausible header
     * there (torn, or not a record).
     */
    static int payloadLength(MemorySegment src, long offset) {
        if (src.get(INT, offset) != MAGIC) {
            return -1;
        }
        int length = src.get(INT, offset + 4);
        return length < 0 || length > MAX_PAYLOAD ? -1 : length;
    }

    /** Whether the whole record at {@code offset}, whose header gave {@code length}, matches its checksum. */
    static boolean checksumHolds(MemorySegment src, long offset, int length) {
        return src.get(INT, offset + 8) == checksum(length, src, offset + HEADER);
    }

    private static int checksum(int length, MemorySegment payload, long at) {
        CRC32C crc = new CRC32C();
        crc.update(length);
        crc.update(length >>> 8);
        crc.update(length >>> 16);
        crc.update(length >>> 24);
        crc.update(payload.asSlice(at, length).asByteBuffer());
        return (int) crc.getValue();
    }
}
