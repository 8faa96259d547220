package io.quarkiverse.aio.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Durable appends per second through the demo application's journal ({@code POST /journal/{name}}: group commit,
 * one RWF_DSYNC write per group) against its baseline in the same application ({@code POST
 * /journal-filechannel/{name}}: FileChannel.write and force(false) per record on a worker thread), at 1, 16 and 64
 * concurrent HTTP clients, interleaved round by round. Each client sends one record and waits for its answer before
 * the next, as a service that must know its record is durable does.
 *
 * <pre>
 * java -cp ... io.quarkiverse.aio.bench.JournalBench http://localhost:PORT [ROUNDS [SECONDS [RECORD_BYTES]]]
 * </pre>
 */
public final class JournalBench {

    static final int[] CLIENTS = { 1, 16, 64 };
    static final Map<String, String> ENDPOINTS = new LinkedHashMap<>();

    static {
        ENDPOINTS.put("aio-group-commit", "/journal/");
        ENDPOINTS.put("filechannel-force", "/journal-filechannel/");
    }

    public static void main(String[] args) throws Exception {
        String base = args[0];
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        int recordBytes = args.length > 3 ? Integer.parseInt(args[3]) : 256;
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        byte[] record = new byte[recordBytes];
        Arrays.fill(record, (byte) 'r');
        Map<String, List<Double>> figures = new LinkedHashMap<>();
        for (int round = 1; round <= rounds; round++) {
            for (int clients : CLIENTS) {
                for (Map.Entry<String, String> endpoint : ENDPOINTS.entrySet()) {
                    URI uri = URI.create(base + endpoint.getValue() + "bench-" + clients);
                    run(client, uri, record, clients, 1); // warm-up
                    double perSecond = run(client, uri, record, clients, seconds);
                    System.out.printf(Locale.ROOT, "RESULT journal endpoint=%s clients=%d round=%d record=%d"
                            + " appendsPerSecond=%.0f%n", endpoint.getKey(), clients, round, recordBytes, perSecond);
                    figures.computeIfAbsent(endpoint.getKey() + " " + clients, k -> new ArrayList<>()).add(perSecond);
                }
            }
        }
        System.out.printf("%nmedians of %d rounds, %d s each, %d-byte records (durable appends per second):%n", rounds,
                seconds, recordBytes);
        for (int clients : CLIENTS) {
            double aio = median(figures.get("aio-group-commit " + clients));
            double fc = median(figures.get("filechannel-force " + clients));
            System.out.printf(Locale.ROOT, "  %2d clients: aio group commit %7.0f   FileChannel+force %7.0f   ratio %.2fx%n",
                    clients, aio, fc, aio / fc);
        }
    }

    static double run(HttpClient client, URI uri, byte[] record, int clients, int seconds) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        LongAdder done = new LongAdder();
        LongAdder failed = new LongAdder();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            threads.add(Thread.ofVirtual().start(() -> {
                HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(record)).build();
                while (!stop.get()) {
                    try {
                        if (client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                            done.increment();
                        } else {
                            failed.increment();
                        }
                    } catch (Exception e) {
                        failed.increment();
                    }
                }
            }));
        }
        long start = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        long count = done.sum();
        double elapsed = (System.nanoTime() - start) / 1e9;
        stop.set(true);
        for (Thread thread : threads) {
            thread.join(60_000);
        }
        if (failed.sum() > 0) {
            throw new IllegalStateException(failed.sum() + " appends failed at " + uri);
        }
        return count / elapsed;
    }

    static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }
}
