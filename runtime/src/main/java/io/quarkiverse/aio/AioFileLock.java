package io.quarkiverse.aio;

/** An exclusive lock on a file, from {@link AioFile#tryLock()}; closing it releases the lock. Idempotent. */
public interface AioFileLock extends AutoCloseable {

    /** Whether the lock is still held (not released, and its file not closed). */
    boolean isValid();

    @Override
    void close();
}
