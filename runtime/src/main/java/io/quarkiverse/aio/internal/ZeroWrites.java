package io.quarkiverse.aio.internal;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.quarkiverse.aio.AioException;
import io.quarkiverse.aio.AioFile;

/**
 * Zeros written where fallocate(FALLOC_FL_ZERO_RANGE) is refused: one block of zeros (1 MiB at most, aligned for
 * direct I/O), written again and again, one write in flight at a time, so that it costs no more memory than that.
 */
final class ZeroWrites {

    private static final int CHUNK = 1 << 20;

    private ZeroWrites() {
    }

    static CompletionStage<Void> write(AioFile file, long position, long length) {
        MemorySegment zeros = file.allocate(Math.min(CHUNK, length)); // zeroed
        CompletableFuture<Void> done = new CompletableFuture<>();
        next(file, zeros, position, position + length, done);
        return done;
    }

    private static void next(AioFile file, MemorySegment zeros, long position, long end, CompletableFuture<Void> done) {
        if (position >= end) {
            done.complete(null);
            return;
        }
        MemorySegment chunk = zeros.asSlice(0, Math.min(zeros.byteSize(), end - position));
        try {
            file.write(chunk, position).whenComplete((n, failure) -> {
                if (failure != null) {
                    done.completeExceptionally(failure);
                } else if (n == 0) {
                    done.completeExceptionally(new AioException("zeroRange of " + file.path() + " stopped at "
                            + position + ": a write of zeros wrote nothing", 0, null));
                } else {
                    next(file, zeros, position + n, end, done);
                }
            });
        } catch (RuntimeException refused) { // the file was closed meanwhile, or a check failed: never left hanging
            done.completeExceptionally(refused);
        }
    }
}
