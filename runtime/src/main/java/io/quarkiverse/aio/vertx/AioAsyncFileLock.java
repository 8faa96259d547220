package io.quarkiverse.aio.vertx;

import java.io.IOException;
import java.nio.channels.FileLock;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.file.AsyncFileLock;
import io.vertx.core.file.FileSystemException;
import io.vertx.core.impl.ContextInternal;

/** A lock of an {@link AioAsyncFile}: a POSIX record lock, as Vert.x's {@code AsyncFile} takes. */
final class AioAsyncFileLock implements AsyncFileLock {

    private final ContextInternal context;
    private final FileLock lock;

    AioAsyncFileLock(ContextInternal context, FileLock lock) {
        this.context = context;
        this.lock = lock;
    }

    @Override
    public long position() {
        return lock.position();
    }

    @Override
    public long size() {
        return lock.size();
    }

    @Override
    public boolean isShared() {
        return lock.isShared();
    }

    @Override
    public boolean overlaps(long position, long size) {
        return lock.overlaps(position, size);
    }

    @Override
    public boolean isValidBlocking() {
        return lock.isValid();
    }

    @Override
    public Future<Boolean> isValid() {
        return context.succeededFuture(lock.isValid());
    }

    @Override
    public void isValid(Handler<AsyncResult<Boolean>> handler) {
        isValid().onComplete(handler);
    }

    @Override
    public void releaseBlocking() {
        try {
            lock.release();
        } catch (IOException e) {
            throw new FileSystemException(e);
        }
    }

    @Override
    public Future<Void> release() {
        return context.executeBlockingInternal(() -> {
            releaseBlocking();
            return null;
        });
    }

    @Override
    public void release(Handler<AsyncResult<Void>> handler) {
        release().onComplete(handler);
    }
}
