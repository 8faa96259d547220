package io.quarkiverse.aio.internal;

import static io.quarkiverse.aio.internal.linux.KernelAbi.*;
import static java.lang.foreign.ValueLayout.*;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicIntegerArray;

import io.quarkiverse.aio.AioException;
import io.quarkiverse.aio.internal.linux.Errno;
import io.quarkiverse.aio.internal.linux.LibC;

/**
 * The ring's slots: each operation in the kernel owns one, with a preallocated iocb, a pointer to it and an errno
 * cell; the slot index travels in {@code aio_data} and comes back in the completion. Free slots are a lock-free
 * stack. One extra iocb, past the slots, is the poller's wake-up poll (syscall mode).
 * <p>
 * A slot has two holders while its operation is submitted from a thread: that thread, until its {@code io_submit}
 * returns, and the completion. It goes back to the free stack when both have let go, so that its errno cell never
 * passes to another thread while the downcall that captures errno into it is still running.
 */
final class SlotTable {

    private static final VarHandle OPS = MethodHandles.arrayElementVarHandle(OperationStage[].class);

    final int depth;
    /** The index of the wake-up iocb, one past the slots. */
    final int wakeSlot;
    private final MemorySegment iocbs;
    private final MemorySegment iocbPointers;
    private final MemorySegment callStates;
    private final MemorySegment[] callState;
    private final OperationStage<?>[] ops;
    /** The kernel's result of each slot's completion, stored by the thread that takes it from the ring. */
    private final long[] results;
    /** The operation of each slot whose completion was taken, until the taker finishes it (the taker's only). */
    private final OperationStage<?>[] taken;
    private final AtomicIntegerArray holders;
    private final IndexStack free;

    SlotTable(int depth) throws AioException {
        this.depth = depth;
        this.wakeSlot = depth;
        long stateSize = LibC.callStateSize();
        this.iocbs = LibC.calloc(depth + 1, IOCB.byteSize());
        this.iocbPointers = LibC.calloc(depth + 1, ADDRESS.byteSize());
        this.callStates = LibC.calloc(depth, stateSize);
        if (iocbs.equals(MemorySegment.NULL) || iocbPointers.equals(MemorySegment.NULL)
                || callStates.equals(MemorySegment.NULL)) {
            freeNativeMemory();
            throw new AioException("not enough native memory for an AIO context of queue depth " + depth,
                    Errno.ENOMEM, "calloc");
        }
        this.callState = new MemorySegment[depth];
        for (int i = 0; i <= depth; i++) {
            iocbPointers.setAtIndex(JAVA_LONG, i, iocbAddress(i));
        }
        for (int i = 0; i < depth; i++) {
            callState[i] = callStates.asSlice(i * stateSize, stateSize);
        }
        this.ops = new OperationStage<?>[depth];
        this.results = new long[depth];
        this.taken = new OperationStage<?>[depth];
        this.holders = new AtomicIntegerArray(depth);
        this.free = new IndexStack(depth, depth);
    }

    /** A free slot, held twice (by the submitting thread and by the completion); -1 when none is free. */
    int take() {
        int slot = free.pop();
        if (slot >= 0) {
            holders.set(slot, 2);
        }
        return slot;
    }

    /** One holder lets go; true when it was the last and the slot is free again. */
    boolean letGo(int slot) {
        if (holders.decrementAndGet(slot) == 0) {
            free.push(slot);
            return true;
        }
        return false;
    }

    /**
     * Takes an extra hold on {@code slot} while it belongs to {@code op} (cancel uses the slot's iocb, which must not
     * pass to another operation meanwhile); false when the slot is free or another operation's.
     */
    boolean hold(int slot, OperationStage<?> op) {
        for (;;) {
            int h = holders.get(slot);
            if (h <= 0) {
                return false;
            }
            if (holders.compareAndSet(slot, h, h + 1)) {
                if (op(slot) == op) {
                    return true;
                }
                letGo(slot);
                return false;
            }
        }
    }

    void bind(int slot, OperationStage<?> op) {
        op.slot = slot;
        OPS.setRelease(ops, slot, op);
    }

    OperationStage<?> op(int slot) {
        return (OperationStage<?>) OPS.getAcquire(ops, slot);
    }

    /** The operation of a completed slot, no longer bound to it. */
    OperationStage<?> unbind(int slot) {
        OperationStage<?> op = (OperationStage<?>) OPS.getAndSet(ops, slot, null);
        if (op != null) {
            op.slot = -1;
        }
        return op;
    }

    /**
     * Under the source's lock: unbinds the operation of a completed slot, so that nobody else (the teardown) can
     * take it, and keeps it with its result for the taker.
     */
    OperationStage<?> takeCompleted(int slot, long result) {
        OperationStage<?> op = unbind(slot);
        results[slot] = result;
        taken[slot] = op;
        return op;
    }

    /** The taker's operation of {@code slot}, taken by {@link #takeCompleted}; the stash is cleared. */
    OperationStage<?> takenOp(int slot) {
        OperationStage<?> op = taken[slot];
        taken[slot] = null;
        return op;
    }

    long result(int slot) {
        return results[slot];
    }

    /** Operations in the kernel, or being submitted into it. */
    int inUse() {
        return depth - free.size();
    }

    boolean isSlot(long data) {
        return data >= 0 && data < depth;
    }

    /** Fills every field of the slot's iocb: FSYNC is refused with EINVAL when a reused iocb keeps a buffer or offset. */
    void writeIocb(int slot, OperationStage<?> op, int resfd) {
        long base = slot * IOCB.byteSize();
        iocbs.set(JAVA_LONG, base + IOCB_DATA, slot);
        iocbs.set(JAVA_INT, base + IOCB_KEY, 0);
        iocbs.set(JAVA_INT, base + IOCB_RW_FLAGS, op.rwFlags);
        iocbs.set(JAVA_SHORT, base + IOCB_OPCODE, op.opcode);
        iocbs.set(JAVA_SHORT, base + IOCB_REQPRIO, (short) 0);
        iocbs.set(JAVA_INT, base + IOCB_FILDES, op.file.fd);
        iocbs.set(JAVA_LONG, base + IOCB_BUF, op.address);
        iocbs.set(JAVA_LONG, base + IOCB_NBYTES, op.length);
        iocbs.set(JAVA_LONG, base + IOCB_OFFSET, op.position);
        iocbs.set(JAVA_LONG, base + IOCB_RESERVED2, 0L);
        iocbs.set(JAVA_INT, base + IOCB_FLAGS, resfd >= 0 ? IOCB_FLAG_RESFD : 0);
        iocbs.set(JAVA_INT, base + IOCB_RESFD, Math.max(resfd, 0));
    }

    /** Makes the wake-up iocb a poll for POLLIN on {@code fd}. */
    void writeWakeIocb(int fd) {
        long base = wakeSlot * IOCB.byteSize();
        iocbs.set(JAVA_LONG, base + IOCB_DATA, wakeSlot);
        iocbs.set(JAVA_SHORT, base + IOCB_OPCODE, IOCB_CMD_POLL);
        iocbs.set(JAVA_INT, base + IOCB_FILDES, fd);
        iocbs.set(JAVA_LONG, base + IOCB_BUF, POLLIN); // the poll event mask
    }

    long iocbAddress(int slot) {
        return iocbs.address() + slot * IOCB.byteSize();
    }

    /** The address of the slot's entry in the iocb pointer array: an {@code iocb **} of one for io_submit. */
    long pointerAddress(int slot) {
        return iocbPointers.address() + slot * ADDRESS.byteSize();
    }

    MemorySegment callState(int slot) {
        return callState[slot];
    }

    /** Only once no thread can use a slot any more (after io_destroy). */
    void freeNativeMemory() {
        for (MemorySegment segment : new MemorySegment[] { iocbs, iocbPointers, callStates }) {
            if (segment != null && !segment.equals(MemorySegment.NULL)) {
                LibC.free(segment);
            }
        }
    }
}
