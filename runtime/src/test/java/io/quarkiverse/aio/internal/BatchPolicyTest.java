package io.quarkiverse.aio.internal;

import static org.junit.jupiter.api.Assertions.*;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;

import io.quarkiverse.aio.SubmitBatching;

/** AUTO gathers submissions only while the poller's thread uses most of a core. */
class BatchPolicyTest {

    @Test
    void gathersWhileTheThreadIsBusyAndStopsWhenItSleeps() {
        CompletionPoller.BatchPolicy policy = new CompletionPoller.BatchPolicy(SubmitBatching.AUTO);
        assertFalse(policy.batching(), "starts submitting each at once");
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5); // a loaded machine may hand out less of a core
        while (!policy.batching() && System.nanoTime() < end) {
            policy.tick(); // all CPU: busy the whole time
        }
        assertTrue(policy.batching(), "a poller that uses its whole core gathers");
        for (int i = 0; i < 3; i++) {
            LockSupport.parkNanos(CompletionPoller.BatchPolicy.WINDOW_NANOS + TimeUnit.MILLISECONDS.toNanos(5));
            policy.tick(); // asleep: little CPU in the window
        }
        assertFalse(policy.batching(), "a poller that mostly sleeps submits each at once");
    }

    @Test
    void fixedModes() {
        assertTrue(new CompletionPoller.BatchPolicy(SubmitBatching.ALWAYS).batching());
        CompletionPoller.BatchPolicy never = new CompletionPoller.BatchPolicy(SubmitBatching.NEVER);
        long end = System.nanoTime() + 3 * CompletionPoller.BatchPolicy.WINDOW_NANOS;
        while (System.nanoTime() < end) {
            never.tick();
        }
        assertFalse(never.batching());
    }
}
