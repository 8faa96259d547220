package io.quarkiverse.aio;

/**
 * An operation was refused because {@code quarkus.aio.max-queued} operations already wait in Java for room in the
 * kernel's ring ({@link AioContext.Builder#maxQueued(int)}). The context stays usable: wait with
 * {@link AioContext#queueRoom()}, or raise the limit.
 */
public class AioQueueFullException extends AioException {

    private static final long serialVersionUID = 1L;

    public AioQueueFullException(String message) {
        super(message, 0, null);
    }
}
