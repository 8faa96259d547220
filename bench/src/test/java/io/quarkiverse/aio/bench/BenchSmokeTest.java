package io.quarkiverse.aio.bench;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Keeps the harness working: every engine runs a job for a moment and reports figures. Not a measurement. */
class BenchSmokeTest {

    /** Artemis ships its JNI library for x86_64 (and i686) only. */
    static final List<String> ENGINES = java.util.stream.Stream.of("aio", "aio-shared", "aio-blocking-platform",
            "aio-blocking-virtual", "aio-eventloop", "aio-submitters-4", "artemis", "afc", "fc-platform", "fc-virtual",
            "fc-executeblocking").filter(e -> !e.equals("artemis") || System.getProperty("os.arch").equals("amd64"))
            .toList();

    @Test
    @Timeout(120)
    void everyEngineReportsFigures() throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream out = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            Bench.main(new String[] { "--file", "target/bench-smoke.dat", "--size", "16m", "--warmup", "0.2",
                    "--seconds", "0.5", "--jobs", "randread-4k-qd32", "--engines", String.join(",", ENGINES) });
        } finally {
            System.setOut(out);
        }
        String output = captured.toString(StandardCharsets.UTF_8);
        System.out.print(output);
        List<String> results = output.lines().filter(l -> l.startsWith("RESULT")).toList();
        assertEquals(ENGINES.size(), results.size(), output);
        for (String line : results) {
            double iops = Double.parseDouble(line.replaceAll(".* iops=([0-9.]+) .*", "$1"));
            assertTrue(iops > 0, line);
        }
    }

    @Test
    void percentilesOfTheHistogram() {
        Recorder recorder = new Recorder();
        recorder.start();
        for (int i = 1; i <= 1000; i++) {
            recorder.record(i * 1000L); // 1 us .. 1000 us
        }
        assertEquals(1000, recorder.operations());
        assertEquals(500_000, recorder.percentile(0.5), 500_000 * 0.07);
        assertEquals(990_000, recorder.percentile(0.99), 990_000 * 0.07);
    }
}
