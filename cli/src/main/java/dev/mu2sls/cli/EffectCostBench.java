package dev.mu2sls.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.mu2sls.core.Engine;
import dev.mu2sls.core.EngineStats;
import dev.mu2sls.core.Invocation;
import dev.mu2sls.core.Response;
import dev.mu2sls.json.JsonCodec;
import dev.mu2sls.platform.local.Examples;
import dev.mu2sls.store.rocksdb.RocksStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What one journaled side effect costs, in store commits and microseconds, in-process on RocksDB:
 * {@code Payments.record} (a read and a write) against {@code Payments.charge} (the same with an
 * {@code Effects.run} between them) and {@code Payments.chargeOnly} (only the effect), one client,
 * each request a fresh order. A program, not a test:
 *
 * <pre>java -cp cli/target/mu2sls.jar dev.mu2sls.cli.EffectCostBench [requests] [rounds] [--no-sync]</pre>
 *
 * Prints one line per method and delivery path (platform delivery {@code invoke}, client request
 * with durable acceptance {@code submit}) with commits per request and the medians over the rounds
 * of each round's median and p99 latency. Configurations alternate within each round, after a
 * first round that only warms up.
 */
public final class EffectCostBench {
    private static final List<String> METHODS = List.of("record", "charge", "chargeOnly");

    private EffectCostBench() {}

    public static void main(String[] args) throws IOException {
        List<String> positional =
                Arrays.stream(args).filter(arg -> !arg.startsWith("--")).toList();
        int requests = positional.isEmpty() ? 20_000 : Integer.parseInt(positional.get(0));
        int rounds = positional.size() < 2 ? 5 : Integer.parseInt(positional.get(1));
        boolean sync = !List.of(args).contains("--no-sync");
        Map<String, List<double[]>> results = new LinkedHashMap<>();
        // round 0 warms the JIT up on every configuration and is not counted; the others interleave them
        for (int round = 0; round <= rounds; round++) {
            for (boolean submit : new boolean[] {false, true}) {
                for (String method : METHODS) {
                    double[] result = measure(method, submit, sync, requests);
                    if (round > 0) {
                        results.computeIfAbsent((submit ? "submit" : "invoke") + " " + method, k -> new ArrayList<>())
                                .add(result);
                    }
                }
            }
        }
        results.forEach((configuration, measured) -> System.out.printf(
                "effect-cost store=rocksdb sync=%s path=%s method=%s "
                        + "requests=%d rounds=%d commits_per_request=%.2f p50_us=%.1f p99_us=%.1f%n",
                sync,
                configuration.split(" ")[0],
                configuration.split(" ")[1],
                requests,
                rounds,
                median(measured, 0),
                median(measured, 1),
                median(measured, 2)));
    }

    /** One round on a fresh store: commits per request, median and p99 latency in µs. */
    private static double[] measure(String method, boolean submit, boolean sync, int requests) throws IOException {
        Path directory = Files.createTempDirectory("mu2sls-effect-cost");
        try (RocksStore store = RocksStore.open(directory, sync);
                Engine engine = Engine.builder()
                        .store(store)
                        .codec(new JsonCodec())
                        .services(Examples.services("Payments"))
                        .transport(invocation -> {
                            throw new IllegalStateException("Payments calls no service: " + invocation);
                        })
                        .build()) {
            run(engine, method, submit, "warm", requests / 4, null);
            EngineStats before = engine.stats();
            long[] nanos = new long[requests];
            run(engine, method, submit, "o", requests, nanos);
            long commits = engine.stats().minus(before).storeTransactions();
            Arrays.sort(nanos);
            return new double[] {
                (double) commits / requests, nanos[requests / 2] / 1_000.0, nanos[requests * 99 / 100] / 1_000.0
            };
        } finally {
            try (Stream<Path> files = Files.walk(directory)) {
                files.sorted(Comparator.reverseOrder())
                        .forEach(path -> path.toFile().delete());
            }
        }
    }

    private static void run(Engine engine, String method, boolean submit, String prefix, int requests, long[] nanos) {
        for (int i = 0; i < requests; i++) {
            Invocation invocation =
                    new Invocation(prefix + i, "Payments", method, ("[\"" + prefix + i + "\", 5]").getBytes(UTF_8), 0);
            long start = System.nanoTime();
            Response response = submit ? engine.submit(invocation) : engine.invoke(invocation);
            if (nanos != null) {
                nanos[i] = System.nanoTime() - start;
            }
            if (!response.ok()) {
                throw new IllegalStateException(invocation.requestId() + " failed: " + response);
            }
        }
    }

    private static double median(List<double[]> results, int field) {
        double[] values =
                results.stream().mapToDouble(result -> result[field]).sorted().toArray();
        return values[values.length / 2];
    }
}
