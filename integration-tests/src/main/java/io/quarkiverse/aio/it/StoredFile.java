package io.quarkiverse.aio.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * What the store tells about a file without reading it: size, modification time and a strong ETag made of inode,
 * size and modification time. An upload replaces the file by a rename, so a new content always has a new inode
 * and so a new ETag.
 */
record StoredFile(String name, long size, Instant lastModified, String etag) {

    /** The file's state now, or null when there is none. */
    static StoredFile stat(String name, Path path) throws IOException {
        try {
            Map<String, Object> a = Files.readAttributes(path, "unix:ino,size,lastModifiedTime");
            long size = (Long) a.get("size");
            Instant modified = ((FileTime) a.get("lastModifiedTime")).toInstant();
            long nanos = modified.getEpochSecond() * 1_000_000_000L + modified.getNano();
            String etag = "\"" + Long.toHexString((Long) a.get("ino")) + "-" + Long.toHexString(size) + "-"
                    + Long.toHexString(nanos) + "\"";
            return new StoredFile(name, size, modified, etag);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** As {@code Last-Modified} writes it: whole seconds. */
    String lastModifiedHeader() {
        return DateTimeFormatter.RFC_1123_DATE_TIME.format(lastModified.truncatedTo(ChronoUnit.SECONDS)
                .atOffset(ZoneOffset.UTC));
    }

    /** {@code If-None-Match}: weak comparison, {@code *} matches any file. */
    boolean matchesNoneOf(String ifNoneMatch) {
        return ifNoneMatch != null && listMatches(ifNoneMatch, etag, true);
    }

    /** {@code If-Modified-Since}: true when not modified since (a date that does not parse is ignored). */
    boolean notModifiedSince(String ifModifiedSince) {
        Instant since = parseDate(ifModifiedSince);
        return since != null && !lastModified.truncatedTo(ChronoUnit.SECONDS).isAfter(since);
    }

    /** {@code If-Unmodified-Since}: true when modified after the date (a date that does not parse is ignored). */
    boolean modifiedSince(String ifUnmodifiedSince) {
        Instant since = parseDate(ifUnmodifiedSince);
        return since != null && lastModified.truncatedTo(ChronoUnit.SECONDS).isAfter(since);
    }

    private static Instant parseDate(String header) {
        if (header == null) {
            return null;
        }
        try {
            return Instant.from(DateTimeFormatter.RFC_1123_DATE_TIME.parse(header.trim()));
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Whether the file's ETag is in an {@code If-Match} list (strong comparison) or the list is {@code *}. */
    static boolean ifMatchHolds(StoredFile current, String ifMatch) {
        if (ifMatch == null) {
            return true;
        }
        return current != null && listMatches(ifMatch, current.etag, false);
    }

    /** {@code If-None-Match} on a write: {@code *} means "only if there is no file yet". */
    static boolean ifNoneMatchHolds(StoredFile current, String ifNoneMatch) {
        return ifNoneMatch == null || current == null || !listMatches(ifNoneMatch, current.etag, true);
    }

    private static boolean listMatches(String list, String etag, boolean weak) {
        for (String candidate : list.split(",")) {
            String tag = candidate.trim();
            if (tag.equals("*")) {
                return true;
            }
            if (tag.startsWith("W/")) {
                if (!weak) {
                    continue; // a weak tag never matches strongly
                }
                tag = tag.substring(2);
            }
            if (tag.equals(etag)) {
                return true;
            }
        }
        return false;
    }
}
