package io.quarkiverse.aio;

/**
 * The file or the context was closed before the operation could be submitted or before its completion was
 * collected. When the message says the outcome is unknown, the kernel may have carried the operation out.
 */
public class AioClosedException extends AioException {

    private static final long serialVersionUID = 1L;

    public AioClosedException(String message) {
        super(message, 0, null);
    }
}
