package io.quarkiverse.aio.internal;

import static org.junit.jupiter.api.Assertions.*;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;

import org.junit.jupiter.api.Test;

/** The lock-free stack of free slots: every index held by exactly one owner, under contention too. */
class IndexStackTest {

    @Test
    void popsWhatWasPushedAndCounts() {
        IndexStack stack = new IndexStack(4, 4);
        assertEquals(4, stack.size());
        assertEquals(0, stack.pop());
        assertEquals(1, stack.pop());
        assertEquals(2, stack.size());
        stack.push(0);
        assertEquals(0, stack.pop());
        assertEquals(2, stack.pop());
        assertEquals(3, stack.pop());
        assertEquals(-1, stack.pop(), "empty");
        assertEquals(0, stack.size());
        assertThrows(IllegalArgumentException.class, () -> new IndexStack(IndexStack.MAX_CAPACITY + 1, 0));
    }

    /** Four threads pop and push back for a while: no index is ever owned twice, none is lost. */
    @Test
    void noIndexIsEverHeldTwice() throws Exception {
        int capacity = 8;
        IndexStack stack = new IndexStack(capacity, capacity);
        AtomicIntegerArray owners = new AtomicIntegerArray(capacity);
        CountDownLatch done = new CountDownLatch(4);
        Throwable[] failure = new Throwable[1];
        for (int t = 0; t < 4; t++) {
            Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 0; i < 200_000; i++) {
                        int index = stack.pop();
                        if (index < 0) {
                            continue;
                        }
                        assertEquals(1, owners.incrementAndGet(index), "index " + index + " held twice");
                        owners.decrementAndGet(index);
                        stack.push(index);
                    }
                } catch (Throwable e) {
                    failure[0] = e;
                } finally {
                    done.countDown();
                }
            });
        }
        assertTrue(done.await(60, TimeUnit.SECONDS));
        assertNull(failure[0]);
        assertEquals(capacity, stack.size(), "every index back");
    }
}
