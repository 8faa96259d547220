package io.quarkiverse.aio.internal;

import static io.quarkiverse.aio.internal.linux.KernelAbi.*;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemorySegment;

import io.quarkiverse.aio.AioException;
import io.quarkiverse.aio.internal.linux.Errno;
import io.quarkiverse.aio.internal.linux.LibC;

/**
 * An eventfd that the kernel signals when an operation completes ({@code IOCB_FLAG_RESFD}) or another thread signals
 * by hand, and that one thread waits on: the poller, or a caller waiting for its own operation. Blocking mode, so
 * that an unlimited wait is one {@code read}; a limited one is {@code poll} then {@code read}.
 * <p>
 * Its scratch memory comes from the C heap and is freed with the descriptor: an eventfd outlives no thread or
 * context that uses it.
 */
final class EventFd {

    private static final long COUNTER = 0, ONE = 8, POLLFD = 16, CALL_STATE = 24;

    final int fd;
    /** The counter read back, the value 1 to write and a pollfd, sliced once; then an errno cell for open and close. */
    private final MemorySegment scratch, counter, one, pollfd;

    private EventFd(int fd, MemorySegment scratch) {
        this.fd = fd;
        this.scratch = scratch;
        this.counter = scratch.asSlice(COUNTER, 8);
        this.one = scratch.asSlice(ONE, 8);
        this.pollfd = scratch.asSlice(POLLFD, POLLFD_SIZE);
        scratch.set(JAVA_LONG, ONE, 1L);
        scratch.set(JAVA_INT, POLLFD + POLLFD_FD, fd);
        scratch.set(JAVA_SHORT, POLLFD + POLLFD_EVENTS, (short) POLLIN);
    }

    static EventFd create() throws AioException {
        return create(0);
    }

    /** An eventfd for the user's own event loop, which reads it without blocking. */
    static EventFd createNonBlocking() throws AioException {
        return create(EFD_NONBLOCK);
    }

    private static EventFd create(int flags) throws AioException {
        MemorySegment scratch = LibC.calloc(1, CALL_STATE + LibC.callStateSize());
        if (scratch.equals(MemorySegment.NULL)) {
            throw new AioException("not enough native memory for an eventfd", Errno.ENOMEM, "calloc");
        }
        int fd = LibC.eventfd(callState(scratch), 0, EFD_CLOEXEC | flags);
        if (fd < 0) {
            int errno = LibC.errno(callState(scratch));
            LibC.free(scratch);
            throw new AioException("eventfd failed: " + Failures.errnoText(errno)
                    + (errno == Errno.EMFILE ? ". The process has reached its limit of open files (ulimit -n)." : "."),
                    errno, "eventfd");
        }
        return new EventFd(fd, scratch);
    }

    private static MemorySegment callState(MemorySegment scratch) {
        return scratch.asSlice(CALL_STATE, LibC.callStateSize());
    }

    /** Adds one to the counter, waking the waiter. Any thread may call it: they all write the same value. */
    void signal() {
        LibC.write(fd, one, 8);
    }

    /**
     * Waits until the counter is non-zero and resets it. Only one thread at a time may wait.
     *
     * @param timeoutMillis at most this long; negative: without limit
     * @return true when it was signalled; false on timeout or when a signal interrupted the wait
     */
    boolean await(int timeoutMillis) {
        if (timeoutMillis >= 0) {
            int ready = LibC.poll(pollfd, 1, timeoutMillis);
            if (ready <= 0) {
                return false; // timeout, or EINTR
            }
        }
        return LibC.read(fd, counter, 8) == 8;
    }

    /** Closes the descriptor and frees the scratch memory; the kernel keeps its own reference while operations use it. */
    void close() {
        closeDescriptorAndFree(fd, scratch);
    }

    /** For a Cleaner, which must not refer to the EventFd itself. */
    static Runnable closer(EventFd eventFd) {
        int fd = eventFd.fd;
        MemorySegment scratch = eventFd.scratch;
        return () -> closeDescriptorAndFree(fd, scratch);
    }

    private static void closeDescriptorAndFree(int fd, MemorySegment scratch) {
        LibC.close(callState(scratch), fd);
        LibC.free(scratch);
    }
}
