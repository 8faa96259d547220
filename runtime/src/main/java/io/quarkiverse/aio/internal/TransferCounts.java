package io.quarkiverse.aio.internal;

/**
 * Boxed byte counts without an allocation for the common ones: block I/O transfers multiples of 512 bytes, and
 * {@code Integer.valueOf} caches only up to 127, so every 4 KiB read would otherwise allocate its result.
 */
final class TransferCounts {

    private static final int UNIT = 512;
    private static final Integer[] MULTIPLES = new Integer[(1 << 20) / UNIT + 1]; // up to 1 MiB

    static {
        for (int i = 0; i < MULTIPLES.length; i++) {
            MULTIPLES[i] = i * UNIT;
        }
    }

    static Integer of(int count) {
        return count % UNIT == 0 && count / UNIT < MULTIPLES.length ? MULTIPLES[count / UNIT] : Integer.valueOf(count);
    }

    private TransferCounts() {
    }
}
