package io.quarkiverse.aio;

/**
 * A buffer address, length or file position breaks the alignment that direct I/O ({@code O_DIRECT}) requires.
 * The kernel would answer {@code EINVAL}; the library refuses the operation before submitting it. Allocate buffers
 * with {@link AioFile#allocate(long)} and use lengths and positions that are multiples of
 * {@link AioFile#offsetAlignment()}.
 */
public class AioAlignmentException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final long requiredAlignment;

    public AioAlignmentException(String message, long requiredAlignment) {
        super(message);
        this.requiredAlignment = requiredAlignment;
    }

    /** The alignment, in bytes, that the refused value must be a multiple of. */
    public long requiredAlignment() {
        return requiredAlignment;
    }
}
