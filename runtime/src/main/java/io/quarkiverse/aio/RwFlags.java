package io.quarkiverse.aio;

/**
 * Per-operation flags of a read or write ({@code aio_rw_flags}, the {@code RWF_*} of {@code preadv2(2)}). Immutable:
 * combine once with {@link #and(RwFlags)} and reuse.
 */
public final class RwFlags {

    /** No flag: the file's own open flags apply. */
    public static final RwFlags NONE = new RwFlags(0);
    /**
     * {@code RWF_HIPRI} (Linux 4.6+): accepted, but without effect under Linux AIO: the kernel clears it for AIO
     * requests, since nothing polls for their completion ({@code aio_prep_rw} in fs/aio.c). It matters to
     * {@code preadv2} and io_uring only.
     */
    public static final RwFlags HIPRI = new RwFlags(1);
    /** {@code RWF_DSYNC} (Linux 4.13+): this write is durable, as with O_DSYNC, when it completes. */
    public static final RwFlags DSYNC = new RwFlags(2);
    /** {@code RWF_SYNC} (Linux 4.13+): this write and the file's metadata are durable, as with O_SYNC. */
    public static final RwFlags SYNC = new RwFlags(4);
    /**
     * {@code RWF_NOWAIT} (Linux 4.14+; buffered reads 5.9+): the kernel answers EAGAIN instead of blocking (a buffered
     * read of data not in the page cache, a direct write that would wait for a lock or for block allocation). The
     * library then retries the operation without the flag on another thread, never on the poller, so callers get
     * their data, not EAGAIN.
     */
    public static final RwFlags NOWAIT = new RwFlags(8);
    /** {@code RWF_APPEND} (Linux 4.16+): this write goes to the end of the file; its position is ignored. */
    public static final RwFlags APPEND = new RwFlags(16);
    /**
     * {@code RWF_ATOMIC} (Linux 6.11+): this O_DIRECT write is untorn: after a crash the range holds all of it or
     * none of it. Its length must be a power of two within {@link AioFile#atomicWriteUnitMin()} and
     * {@link AioFile#atomicWriteUnitMax()}, and its position a multiple of its length; anything else, or a file that
     * takes no atomic writes, is refused before it reaches the kernel.
     */
    public static final RwFlags ATOMIC = new RwFlags(0x40);
    /**
     * {@code RWF_DONTCACHE} (Linux 6.14+): a buffered read or write that does not keep its pages in the page cache
     * once done (written back at once, for a write). Where the kernel or the file system cannot, the stage fails with
     * an {@link AioException} ({@code EOPNOTSUPP}) saying so.
     */
    public static final RwFlags DONTCACHE = new RwFlags(0x80);

    private final int bits;

    private RwFlags(int bits) {
        this.bits = bits;
    }

    /** These flags and {@code other}. */
    public RwFlags and(RwFlags other) {
        return new RwFlags(bits | other.bits);
    }

    /** Whether every flag of {@code other} is set here. */
    public boolean contains(RwFlags other) {
        return (bits & other.bits) == other.bits;
    }

    /** The {@code RWF_*} bits. */
    public int bits() {
        return bits;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RwFlags other && other.bits == bits;
    }

    @Override
    public int hashCode() {
        return bits;
    }

    @Override
    public String toString() {
        return "RwFlags[0x" + Integer.toHexString(bits) + "]";
    }
}
