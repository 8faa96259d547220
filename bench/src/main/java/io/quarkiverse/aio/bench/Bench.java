package io.quarkiverse.aio.bench;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

import com.sun.nio.file.ExtendedOpenOption;

/**
 * The benchmark harness: runs each job on each engine for a warm-up and a measured window, and prints IOPS, p50/p99
 * latency, CPU time per I/O (process CPU time over operations) and heap allocated per I/O. One {@code RESULT} line per
 * run, for scripts; a table at the end, with medians over rounds.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp ... io.quarkiverse.aio.bench.Bench [--file F] [--size 1g]
 *      [--warmup 2] [--seconds 10] [--rounds 1] [--jobs randread-4k-qd32,...] [--engines aio,afc,fc-platform,fc-virtual]
 * </pre>
 */
public final class Bench {

    static final Map<String, Supplier<Load>> ENGINES = new LinkedHashMap<>();

    static {
        // Every aio-* engine uses the context @Inject AioContext gets (see ProducerContext); -Dquarkus.aio.*=...
        // on the command line changes it the way application.properties would, and the RESULT line says so.
        ENGINES.put("aio", () -> new AioLoad(false));
        ENGINES.put("aio-shared", () -> new AioLoad(true));
        ENGINES.put("aio-blocking-platform", () -> new AioBlockingLoad(false));
        ENGINES.put("aio-blocking-virtual", () -> new AioBlockingLoad(true));
        ENGINES.put("aio-eventloop", EventLoopLoads.Aio::new);
        for (int submitters : new int[] { 1, 4, 16, 64 }) {
            ENGINES.put("aio-submitters-" + submitters, () -> new AioSubmittersLoad(submitters));
        }
        ENGINES.put("artemis", ArtemisLoad::new);
        ENGINES.put("afc", AsyncChannelLoad::new);
        ENGINES.put("fc-platform", () -> new FileChannelLoad(false));
        ENGINES.put("fc-virtual", () -> new FileChannelLoad(true));
        ENGINES.put("fc-executeblocking", EventLoopLoads.OffloadedFileChannel::new);
    }

    record Result(String job, String engine, String threads, double iops, double p50Micros, double p99Micros,
            double cpuMicrosPerIo, double allocBytesPerIo, double geteventsPerIo, int carriers) {

        String line() {
            return String.format(Locale.ROOT,
                    "RESULT job=%s engine=%s threads=%s iops=%.0f p50_us=%.1f p99_us=%.1f cpu_us_per_io=%.3f"
                            + " alloc_b_per_io=%.1f getevents_per_io=%.3f carriers=%d config=%s",
                    job, engine, threads.replace(' ', '_').replace(",", ""), iops, p50Micros, p99Micros,
                    cpuMicrosPerIo, allocBytesPerIo, geteventsPerIo, carriers, configuration());
        }
    }

    /** The quarkus.aio.* properties set on the command line, or "defaults". */
    static String configuration() {
        String set = System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("quarkus.aio."))
                .sorted().map(k -> k.substring("quarkus.aio.".length()) + ":" + System.getProperty(k))
                .collect(java.util.stream.Collectors.joining(";"));
        return set.isEmpty() ? "defaults" : set;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>(Map.of("file", "target/bench.dat", "size", "1g", "warmup",
                "2", "seconds", "10", "rounds", "1", "jobs", Job.ALL, "engines", String.join(",", ENGINES.keySet())));
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--") || !options.containsKey(args[i].substring(2))) {
                throw new IllegalArgumentException("unknown option " + args[i] + "; options: " + options.keySet());
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        Path file = Path.of(options.get("file")).toAbsolutePath();
        long size = parseSize(options.get("size"));
        prepare(file, size);
        System.out.println("STAGE bytes=" + ShallowSize.ofStage(file));
        double warmup = Double.parseDouble(options.get("warmup"));
        double seconds = Double.parseDouble(options.get("seconds"));
        int rounds = Integer.parseInt(options.get("rounds"));
        List<Result> results = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            for (String jobName : options.get("jobs").split(",")) {
                Job job = Job.parse(jobName.trim());
                for (String engine : options.get("engines").split(",")) {
                    Supplier<Load> load = ENGINES.get(engine.trim());
                    if (load == null) {
                        throw new IllegalArgumentException("unknown engine " + engine + "; engines: " + ENGINES.keySet());
                    }
                    Result result = run(job, engine.trim(), load.get(), file, size, warmup, seconds);
                    System.out.println(result.line());
                    results.add(result);
                }
            }
        }
        printTable(results);
    }

    static Result run(Job job, String engine, Load load, Path file, long size, double warmup, double seconds)
            throws Exception {
        Recorder recorder = new Recorder();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (load) {
            load.start(file, size, job, recorder);
            Thread.sleep((long) (warmup * 1000));
            long getevents0 = load.ioGeteventsCalls();
            long cpu0 = os.getProcessCpuTime();
            long alloc0 = threads.getTotalThreadAllocatedBytes();
            long t0 = System.nanoTime();
            recorder.start();
            Profiling.start();
            Thread.sleep((long) (seconds * 1000));
            recorder.stop();
            long elapsed = System.nanoTime() - t0;
            long cpu = os.getProcessCpuTime() - cpu0;
            long alloc = threads.getTotalThreadAllocatedBytes() - alloc0;
            long getevents = load.ioGeteventsCalls() - getevents0;
            int carriers = carrierThreads();
            Profiling.stop(job, engine); // after the figures: writing the profile costs CPU too
            long ops = Math.max(1, recorder.operations());
            return new Result(job.name(), engine, load.threads(), ops * 1e9 / elapsed, recorder.percentile(0.5) / 1e3,
                    recorder.percentile(0.99) / 1e3, cpu / 1e3 / ops, (double) alloc / ops,
                    getevents0 < 0 ? Double.NaN : (double) getevents / ops, carriers);
        }
    }

    /**
     * The carrier threads of virtual threads alive now: the scheduler starts one per CPU, and adds more when virtual
     * threads pin theirs (a blocking file read does, and the JDK compensates with another carrier).
     */
    static int carrierThreads() {
        return (int) Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getClass().getName().equals("jdk.internal.misc.CarrierThread")).count();
    }

    /** A file of real blocks (not holes: reading a hole costs no I/O). */
    static void prepare(Path file, long size) throws Exception {
        if (Files.exists(file) && Files.size(file) >= size) {
            return;
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                ExtendedOpenOption.DIRECT)) {
            ByteBuffer chunk = ByteBuffer.allocateDirect((1 << 20) + 4096).alignedSlice(4096).limit(1 << 20);
            for (int i = 0; i < chunk.limit(); i++) {
                chunk.put(i, (byte) (i * 31));
            }
            for (long position = 0; position < size; position += chunk.limit()) {
                chunk.clear();
                while (chunk.hasRemaining()) {
                    channel.write(chunk, position + chunk.position());
                }
            }
        }
    }

    static long parseSize(String text) {
        String t = text.toLowerCase(Locale.ROOT);
        long unit = t.endsWith("g") ? 1L << 30 : t.endsWith("m") ? 1L << 20 : t.endsWith("k") ? 1L << 10 : 1;
        return Long.parseLong(unit == 1 ? t : t.substring(0, t.length() - 1)) * unit;
    }

    static void printTable(List<Result> results) {
        Map<String, List<Result>> byRun = new LinkedHashMap<>();
        for (Result r : results) {
            byRun.computeIfAbsent(r.job() + " " + r.engine(), k -> new ArrayList<>()).add(r);
        }
        System.out.printf("%n%-20s %-12s %-20s %10s %9s %9s %10s %11s %13s%n", "job", "engine", "threads", "IOPS",
                "p50 us", "p99 us", "CPU us/IO", "alloc B/IO", "getevents/IO");
        for (List<Result> runs : byRun.values()) {
            Result first = runs.get(0);
            System.out.printf(Locale.ROOT, "%-20s %-12s %-20s %10.0f %9.1f %9.1f %10.3f %11.1f %13.3f%n",
                    first.job(), first.engine(), first.threads(), median(runs, Result::iops),
                    median(runs, Result::p50Micros), median(runs, Result::p99Micros),
                    median(runs, Result::cpuMicrosPerIo), median(runs, Result::allocBytesPerIo),
                    median(runs, Result::geteventsPerIo));
        }
    }

    static double median(List<Result> runs, java.util.function.ToDoubleFunction<Result> metric) {
        double[] values = runs.stream().mapToDouble(metric).sorted().toArray();
        return values.length % 2 == 1 ? values[values.length / 2]
                : (values[values.length / 2 - 1] + values[values.length / 2]) / 2;
    }

    private Bench() {
    }
}
