package io.quarkiverse.aio.internal;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

import io.quarkiverse.aio.AioException;
import io.quarkiverse.aio.internal.linux.Errno;
import io.quarkiverse.aio.internal.linux.LibC;

/**
 * Operations sent to the kernel together: those a poller's callbacks issue while it gathers (see
 * {@link Submitter#GATHERED}), or those of an {@code AioBatch} (continued where the kernel stopped after a partial
 * submit). A poller's is used only by that poller, except that the stall guard flushes the batch of a poller stuck
 * in a callback; the lock is for that case.
 */
final class SubmitBatch {

    private final AioEngine engine;
    private final int[] slotOf;
    private final OperationStage<?>[] opOf;
    private final MemorySegment pointers;
    private final MemorySegment callState;
    private final ReentrantLock lock = new ReentrantLock();
    private int count;
    /**
     * Set while a flush runs: what the flush itself causes to be submitted (a queued operation moved into a slot
     * the flush freed) goes straight to the kernel, never into the batch being flushed.
     */
    volatile boolean flushing;

    SubmitBatch(AioEngine engine) throws AioException {
        this.engine = engine;
        int capacity = engine.slots.depth;
        this.slotOf = new int[capacity];
        this.opOf = new OperationStage<?>[capacity];
        MemorySegment memory = LibC.calloc(1, capacity * 8L + LibC.callStateSize());
        if (memory.equals(MemorySegment.NULL)) {
            throw new AioException("not enough native memory for a submission batch", Errno.ENOMEM, "calloc");
        }
        this.pointers = memory.asSlice(0, capacity * 8L);
        this.callState = memory.asSlice(capacity * 8L, LibC.callStateSize());
    }

    /** Adds the operation bound to {@code slot}; flushes when the batch is full. */
    void add(int slot, OperationStage<?> op, int resfd) {
        lock.lock();
        try {
            if (!engine.kernel.enter()) { // closing: the iocb memory may already be gone
                engine.submitter.refused(slot, op, -1);
                return;
            }
            try {
                engine.slots.writeIocb(slot, op, resfd);
                pointers.setAtIndex(JAVA_LONG, count, engine.slots.iocbAddress(slot));
            } finally {
                engine.kernel.exit();
            }
            slotOf[count] = slot;
            opOf[count++] = op;
            if (count == slotOf.length) {
                flushLocked();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Operations added and not sent yet (read racily by the owning poller, the only one that adds). */
    int size() {
        return count;
    }

    void flush() {
        if (count == 0) {
            return; // read racily: only the owning poller adds
        }
        lock.lock();
        try {
            flushLocked();
        } finally {
            lock.unlock();
        }
    }

    /** For the stall guard: flushes unless the poller is inside {@link #add} or a flush (then it is not stuck here). */
    void flushIfIdle() {
        if (lock.tryLock()) {
            try {
                flushLocked();
            } finally {
                lock.unlock();
            }
        }
    }

    private void flushLocked() {
        flushing = true;
        try {
            submitAll();
        } finally {
            flushing = false;
        }
    }

    private void submitAll() {
        int done = 0;
        List<OperationStage<?>> requeued = null;
        while (done < count) {
            long n;
            int errno;
            if (!engine.kernel.enter()) {
                break; // closing: what is left is refused below
            }
            try {
                n = engine.kernel.submit(callState, count - done, pointers.address() + done * 8L);
                errno = n < 0 ? LibC.errno(callState) : 0;
            } finally {
                engine.kernel.exit();
            }
            engine.statistics.ioSubmitCalls.increment();
            if (n > 0) {
                for (int i = done; i < done + n; i++) {
                    engine.submitter.submitted(slotOf[i]);
                    opOf[i] = null;
                }
                done += (int) n; // all, or the first n: go on with the rest
            } else if (errno == Errno.EINTR) {
                continue;
            } else if (errno == Errno.EAGAIN || n == 0) {
                requeued = new ArrayList<>(count - done);
                for (int i = done; i < count; i++) {
                    if (engine.slots.unbind(slotOf[i]) == opOf[i]) {
                        engine.slots.letGo(slotOf[i]);
                        engine.slots.letGo(slotOf[i]);
                        requeued.add(opOf[i]);
                    }
                    opOf[i] = null;
                }
                done = count;
            } else {
                // The kernel refused the first remaining iocb: that one fails, the others go on.
                engine.submitter.refused(slotOf[done], opOf[done], errno);
                opOf[done++] = null;
            }
        }
        for (int i = done; i < count; i++) {
            engine.submitter.refused(slotOf[i], opOf[i], -1);
            opOf[i] = null;
        }
        count = 0;
        if (requeued != null) {
            engine.submitter.requeue(requeued);
        }
    }

    /** After the context is destroyed. */
    void free() {
        LibC.free(pointers);
    }
}
