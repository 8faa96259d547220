package io.quarkiverse.aio.it;

/**
 * One byte range of a {@code Range} header (RFC 9110, section 14): {@code bytes=a-b}, {@code bytes=a-} or the suffix
 * {@code bytes=-n}. Anything else (several ranges, another unit, bad syntax) is ignored, as the RFC allows: the
 * whole file is sent.
 *
 * @param start the first byte
 * @param length how many bytes, at least one
 */
record HttpRange(long start, long length) {

    /** The range is unsatisfiable for this size: answer 416. */
    static final HttpRange UNSATISFIABLE = new HttpRange(-1, 0);

    /** The range asked for, {@link #UNSATISFIABLE}, or null for the whole file. */
    static HttpRange parse(String header, long size) {
        if (header == null || !header.regionMatches(true, 0, "bytes=", 0, 6) || header.indexOf(',') >= 0) {
            return null;
        }
        String spec = header.substring("bytes=".length()).trim();
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        try {
            String first = spec.substring(0, dash).trim(), last = spec.substring(dash + 1).trim();
            if (first.isEmpty()) { // suffix: the last n bytes
                long n = Long.parseLong(last);
                if (n < 0) {
                    return null;
                }
                return n == 0 || size == 0 ? UNSATISFIABLE : new HttpRange(Math.max(0, size - n), Math.min(n, size));
            }
            long start = Long.parseLong(first);
            long end = last.isEmpty() ? Long.MAX_VALUE : Long.parseLong(last);
            if (start < 0 || end < start) {
                return null; // invalid: ignored
            }
            if (start >= size) {
                return UNSATISFIABLE;
            }
            return new HttpRange(start, Math.min(end, size - 1) - start + 1);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    String contentRange(long size) {
        return "bytes " + start + "-" + (start + length - 1) + "/" + size;
    }
}
