package dev.mu2sls.cli;

import dev.mu2sls.core.EngineObserver;
import dev.mu2sls.core.EngineStats;
import dev.mu2sls.observability.Telemetry;
import dev.mu2sls.simulator.Simulator;
import dev.mu2sls.store.Store;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code mu2sls bench}: closed-loop load on the in-process platform without faults. The last line
 * of each concurrency is the machine-readable result:
 * {@code <system> <workload> <config> c=<n> rps=<x> p50_ms=<x> p99_ms=<x> errors=<n>}. With several
 * concurrencies ({@code --concurrency 1,16,64}) each runs on a fresh platform and store;
 * {@code --plot FILE.png} draws throughput against concurrency and the latency CDFs.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Measure a workload's throughput and latency on the in-process platform (no faults).")
final class BenchCommand implements Callable<Integer> {
    @Option(
            names = "--workload",
            defaultValue = "W1",
            description = "W1, W2, W3, W4, W5, W5-hot, W6 or W7 (default: ${DEFAULT-VALUE})")
    String workload;

    @Option(
            names = "--config",
            defaultValue = "exactly-once",
            description = "sequential, unsafe, exactly-once or full (default: ${DEFAULT-VALUE})")
    String config;

    @Option(
            names = "--concurrency",
            defaultValue = "64",
            split = ",",
            description =
                    "closed-loop clients, or a comma-separated list measured one after the other (default: ${DEFAULT-VALUE})")
    List<Integer> concurrencies;

    @Option(names = "--plot", description = "draw throughput against concurrency and latency CDFs into this PNG")
    Path plot;

    @Option(names = "--seconds", defaultValue = "10", description = "measured duration (default: ${DEFAULT-VALUE})")
    double seconds;

    @Option(
            names = "--warmup",
            defaultValue = "2",
            description = "seconds of warm-up excluded from the numbers (default: ${DEFAULT-VALUE})")
    double warmup;

    @Option(names = "--seed", defaultValue = "1", description = "request generator seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(
            names = "--telemetry",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description =
                    "metrics (MU2SLS_METRICS), traces (OTEL_*) and operator logs with the request in the MDC, as a "
                            + "deployed function runs them (default); --no-telemetry measures the engine alone, to tell "
                            + "what telemetry costs")
    boolean telemetry;

    @Mixin
    StoreOptions storeOptions;

    @Override
    public Integer call() {
        Workload w = Workload.parse(workload);
        BenchConfig c = BenchConfig.parse(config);
        if (concurrencies.stream().anyMatch(n -> n < 1)) {
            throw new IllegalArgumentException("--concurrency must be at least 1: got " + concurrencies);
        }
        List<LoadPlot.Level> levels = new ArrayList<>();
        boolean failed = false;
        for (int concurrency : concurrencies) {
            LoadRunner.Result result = measure(w, c, concurrency);
            levels.add(new LoadPlot.Level(concurrency, result.rps(), result.latencyMicros()));
            failed |= result.errors() > 0;
        }
        if (plot != null) {
            LoadPlot.write(plot, w + " " + c.label, levels);
            System.out.println("plot: " + plot);
        }
        return failed ? 1 : 0;
    }

    private LoadRunner.Result measure(Workload w, BenchConfig c, int concurrency) {
        LoadRunner.Options options =
                new LoadRunner.Options(w, concurrency, seconds(seconds), seconds(warmup), seed, c.oneAtATime, false);
        LoadRunner.Result result;
        try (StoreOptions stores = storeOptions.defaultKind(StoreOptions.Kind.MEMORY);
                Store store = stores.open("bench")) {
            System.out.printf(
                    Locale.ROOT,
                    "mu2sls bench: %s (%s), config %s, %d clients, %.0f s after %.0f s warm-up, %s%n",
                    w,
                    w.description,
                    c.label,
                    concurrency,
                    seconds,
                    warmup,
                    stores.describe());
            try (Telemetry meters = telemetry ? Telemetry.fromEnvironment("mu2sls-bench", System.getenv()) : null;
                    Simulator simulator = Simulator.builder()
                            .services(w.services)
                            .mode(c.mode)
                            .store(store)
                            .observer(meters != null ? meters.observer() : EngineObserver.NONE)
                            .build()) {
                result = LoadRunner.run(simulator, options, Progress.stderr(), w + " " + c.label);
                if (meters != null) {
                    System.out.print(meters.summary());
                }
            }
        }
        if (result.store().syncs() > 0) {
            System.out.printf(Locale.ROOT, "store syncs/request=%.3f%n", result.syncsPerRequest());
        }
        EngineStats engine = result.engine();
        System.out.printf(
                Locale.ROOT,
                "store transactions/request=%.2f store reads/request=%.2f cached reads/request=%.2f"
                        + " (stale %.3f) executions/request=%.2f%n",
                result.storeTransactionsPerRequest(),
                result.storeReadsPerRequest(),
                result.perRequest(engine.stateCacheHits()),
                result.perRequest(engine.stateCacheStale()),
                result.perRequest(engine.executions()));
        if (engine.transactionsCommitted() + engine.transactionsAborted() + engine.transactionConflicts() > 0) {
            long commits = engine.transactionsCommitted();
            System.out.printf(
                    Locale.ROOT,
                    "transactions: commits/s=%.1f aborted/s=%.1f conflicts/s=%.1f (aborts+conflicts)/commit=%.2f%n",
                    commits / result.seconds(),
                    engine.transactionsAborted() / result.seconds(),
                    engine.transactionConflicts() / result.seconds(),
                    commits == 0
                            ? 0.0
                            : (double) (engine.transactionsAborted() + engine.transactionConflicts()) / commits);
        }
        result.errorSamples().forEach(sample -> System.out.println("error: " + sample));
        System.out.printf(
                Locale.ROOT,
                "mu2sls %s %s c=%d rps=%.1f p50_ms=%.3f p99_ms=%.3f errors=%d%n",
                w,
                c.label,
                concurrency,
                result.rps(),
                result.percentileMillis(50),
                result.percentileMillis(99),
                result.errors());
        return result;
    }

    static Duration seconds(double seconds) {
        return Duration.ofNanos((long) (seconds * 1e9));
    }
}
