package io.quarkiverse.aio;

/**
 * Linux AIO cannot be used in this process: another operating system or CPU architecture, a kernel without AIO
 * ({@code ENOSYS}), a seccomp profile that denies {@code io_setup} ({@code EPERM}), or no room left under
 * {@code fs.aio-max-nr} ({@code EAGAIN}). The message names the cause and what to change.
 */
public class AioUnavailableException extends AioException {

    private static final long serialVersionUID = 1L;

    public AioUnavailableException(String message, int errno, String call) {
        super(message, errno, call);
    }
}
