package io.quarkiverse.aio.bench;

import java.nio.file.Files;
import java.nio.file.Path;

import one.profiler.AsyncProfiler;

/**
 * CPU profiles of the measured window only, when {@code -Dbench.profile=DIR} is set: async-profiler (from Maven
 * Central) samples every thread, Java and kernel frames alike, and writes {@code JOB-ENGINE.collapsed} (one line per
 * stack, for bench/profile-chart.py) and {@code JOB-ENGINE.html} (a flame graph) into DIR.
 */
final class Profiling {

    private static final String DIR = System.getProperty("bench.profile");
    /** ctimer: each thread's CPU time (perf events cost the runs here twice their CPU); sleeps are not sampled. */
    private static final String EVENT = System.getProperty("bench.profile.event", "ctimer");

    static boolean enabled() {
        return DIR != null;
    }

    static void start() throws Exception {
        if (DIR != null) {
            AsyncProfiler.getInstance().execute("start,event=" + EVENT + ",interval=1ms");
        }
    }

    static void stop(Job job, String engine) throws Exception {
        if (DIR == null) {
            return;
        }
        Path dir = Files.createDirectories(Path.of(DIR));
        String name = job.name() + "-" + engine;
        AsyncProfiler profiler = AsyncProfiler.getInstance();
        profiler.execute("stop");
        profiler.execute("collapsed,file=" + dir.resolve(name + ".collapsed"));
        profiler.execute("flamegraph,title=" + name + ",file=" + dir.resolve(name + ".html"));
    }

    private Profiling() {
    }
}
