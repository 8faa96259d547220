package io.quarkiverse.aio.internal;

import java.util.concurrent.atomic.AtomicBoolean;

import io.quarkiverse.aio.AioFileLock;

/** An open file description lock (fcntl F_OFD_SETLK) of an {@link EngineFile}: released once, by close() or by closing the file. */
final class FileLockHandle implements AioFileLock {

    private final EngineFile file;
    private final AtomicBoolean released = new AtomicBoolean();

    FileLockHandle(EngineFile file) {
        this.file = file;
    }

    @Override
    public boolean isValid() {
        return !released.get() && file.isOpen();
    }

    @Override
    public void close() {
        if (released.compareAndSet(false, true)) {
            file.unlock();
        }
    }

    @Override
    public String toString() {
        return "AioFileLock[" + file.path() + (isValid() ? "" : ", released") + "]";
    }
}
