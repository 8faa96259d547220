package io.quarkiverse.aio;

import java.io.IOException;

import io.quarkiverse.aio.internal.linux.Errno;

/**
 * An I/O operation failed. When the kernel reported the failure, {@link #errno()} is its error number (positive)
 * and {@link #errnoName()} its symbolic name; the message says which call failed, on what, the usual cause and
 * what to do about it.
 */
public class AioException extends IOException {

    private static final long serialVersionUID = 1L;

    private final int errno;
    private final String call;

    /**
     * @param message what failed, the usual cause and the fix
     * @param errno the kernel's error number, or 0 when the failure was not reported by the kernel
     * @param call the system call that failed, such as {@code io_submit}, or {@code null}
     */
    public AioException(String message, int errno, String call) {
        super(message);
        this.errno = errno;
        this.call = call;
    }

    /** The kernel's error number, or 0 when the kernel did not report this failure. */
    public int errno() {
        return errno;
    }

    /** The symbolic name of {@link #errno()}, such as {@code EINVAL}, or an empty string when there is none. */
    public String errnoName() {
        return errno == 0 ? "" : Errno.name(errno);
    }

    /** The system call that failed, or {@code null}. */
    public String call() {
        return call;
    }
}
