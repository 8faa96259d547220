package io.quarkiverse.aio.runtime;

import static io.quarkiverse.aio.TestFiles.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.quarkiverse.aio.AioContext;
import io.quarkiverse.aio.AioContext.CompletionObserver;
import io.quarkiverse.aio.AioFallback;
import io.quarkiverse.aio.AioFile;
import io.quarkiverse.aio.AioFileStatistics;
import io.quarkiverse.aio.TestFiles;

/**
 * The Dev UI's rates and latencies, from real I/O on a real file: they move when I/O runs, count closed files, and the
 * timing goes away with the last watcher.
 */
class FiguresSamplerTest {

    private static final Path DIR = TestFiles.directory(FiguresSamplerTest.class);

    /** 8 writes of 4 KiB, 8 reads, 2 fdatasyncs, with the file closed at the end. */
    private static void io(AioContext aio, String name) throws Exception {
        try (AioFile file = aio.open(DIR.resolve(name), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            MemorySegment block = file.allocate(4096);
            for (int i = 0; i < 8; i++) {
                await(file.write(block, i * 4096L));
            }
            await(file.fdatasync());
            for (int i = 0; i < 8; i++) {
                await(file.read(block, i * 4096L));
            }
            await(file.fdatasync());
        }
    }

    @Test
    void ratesAndLatenciesMoveWhenIoRuns() throws Exception {
        try (AioContext aio = AioContext.builder().build()) {
            FiguresSampler sampler = new FiguresSampler(aio);
            sampler.watch();
            FiguresSampler.Series series = sampler.series();
            Map<String, Object> idle = series.next();
            assertEquals(0L, idle.get("reads"));
            assertNull(idle.get("p50Micros"), "no latency when nothing completed");
            Thread.sleep(50);
            io(aio, "moving.bin"); // closed by now: its figures still count
            Thread.sleep(50);
            Map<String, Object> busy = series.next();
            assertTrue((Long) busy.get("reads") > 0, busy.toString());
            assertTrue((Long) busy.get("writes") > 0, busy.toString());
            assertTrue((Long) busy.get("syncs") > 0, busy.toString());
            assertTrue((Long) busy.get("bytesRead") >= 8 * 4096, busy.toString()); // over less than a second
            assertTrue((Long) busy.get("bytesWritten") >= 8 * 4096, busy.toString());
            double p50 = (Double) busy.get("p50Micros"), p99 = (Double) busy.get("p99Micros");
            assertTrue(p50 > 0.5 && p50 < 10_000_000, "a latency of I/O that took place: " + busy);
            assertTrue(p99 > 0.5 && p99 < 10_000_000, busy.toString());
            assertEquals(0, busy.get("inFlight"));
            Map<String, Object> after = series.next();
            assertEquals(0L, after.get("writes"), "rates fall back once I/O stops: " + after);

            try (AioFile file = aio.open(DIR.resolve("moving.bin"), StandardOpenOption.READ)) {
                MemorySegment block = file.allocate(4096);
                for (int i = 0; i < 200; i++) {
                    await(file.read(block, (i % 8) * 4096L));
                }
            }
            Map<String, Object> readsOnly = series.next();
            assertTrue((Long) readsOnly.get("reads") > 0, readsOnly.toString());
            assertEquals(0L, readsOnly.get("syncs"), "reads are not syncs: " + readsOnly);
            sampler.unwatch();
        }
    }

    @Test
    void theTimingChainsToTheObserverMetricsSetAndGivesItBack() throws Exception {
        try (AioContext aio = AioContext.builder().build()) {
            AtomicLong seen = new AtomicLong();
            CompletionObserver metrics = (queued, total, failed) -> seen.incrementAndGet();
            aio.observe(metrics);
            FiguresSampler sampler = new FiguresSampler(aio);
            sampler.watch();
            sampler.watch();
            io(aio, "chained.bin");
            assertEquals(18, seen.get(), "the metrics observer still saw every operation");
            sampler.unwatch();
            assertTrue(aio.observer() != metrics, "one watcher left: still timed");
            sampler.unwatch();
            assertSame(metrics, aio.observer(), "the last watcher gone: the observer it had is back");

            sampler.watch();
            CompletionObserver setMeanwhile = (queued, total, failed) -> {
            };
            aio.observe(setMeanwhile);
            sampler.unwatch();
            assertSame(setMeanwhile, aio.observer(), "an observer set while a page watched stays");
        }
    }

    @Test
    void fileTotalsCountOpenAndClosedFilesOnBothBackends() throws Exception {
        for (AioFallback fallback : new AioFallback[] { AioFallback.NONE, AioFallback.FORCED_THREAD_POOL }) {
            try (AioContext aio = AioContext.builder().fallback(fallback).build()) {
                io(aio, "totals-" + fallback + ".bin");
                AioFileStatistics totals = aio.statistics().files();
                assertEquals(8, totals.reads(), fallback + ": " + totals);
                assertEquals(8, totals.writes(), fallback + ": " + totals);
                assertEquals(8 * 4096, totals.bytesRead(), fallback + ": " + totals);
                assertEquals(8 * 4096, totals.bytesWritten(), fallback + ": " + totals);
                assertEquals(2, totals.syncs(), fallback + ": " + totals);
                assertEquals(18, aio.statistics().completed(), fallback + ": the two syncs are the rest");
            }
        }
    }
}
