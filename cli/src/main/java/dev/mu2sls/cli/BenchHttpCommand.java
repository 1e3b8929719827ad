package dev.mu2sls.cli;

import dev.mu2sls.platform.local.LocalPlatform;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code mu2sls bench-http}: closed-loop load over HTTP against a gateway (the application
 * {@code mu2sls up} runs, or any gateway URL). Runs the workload's set-up requests once, then
 * measures; the last line has the format of {@code mu2sls bench}:
 * {@code mu2sls <workload> <config> c=<n> rps=<x> p50_ms=<x> p99_ms=<x> errors=<n>}, the config
 * being the engine mode the gateway reports (or {@code --config}). With several concurrencies
 * ({@code --concurrency 1,16,64}) each is measured in turn, one result line each (then the plot's
 * path, with {@code --plot FILE.png}: throughput against concurrency and the latency CDFs).
 */
@Command(
        name = "bench-http",
        mixinStandardHelpOptions = true,
        description =
                "Measure a workload's throughput and latency over HTTP through the gateway of ./mu2sls up (or --gateway).")
final class BenchHttpCommand implements Callable<Integer> {
    @Option(
            names = "--gateway",
            description = "gateway URL (default: the one of ./mu2sls up, from the state directory)")
    URI gateway;

    @Mixin
    UpStateDirectory stateDirectory;

    @Option(
            names = "--workload",
            defaultValue = "W1",
            description = "W1 (app counter), W2 (chain), W3 (tree), W4 (media), W5 or W5-hot "
                    + "(travel), W6 (bank) (default: ${DEFAULT-VALUE})")
    String workload;

    @Option(
            names = "--config",
            description = "label of the results (default: the engine mode the gateway reports: full or exactly-once)")
    String config;

    @Option(
            names = "--concurrency",
            defaultValue = "16",
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
            names = "--client",
            defaultValue = "raw",
            description = "raw (one plain-socket keep-alive connection per client, cheap) "
                    + "or jdk (java.net.http) (default: ${DEFAULT-VALUE})")
    HttpLoadRunner.Client client;

    @Option(
            names = "--skip-setup",
            description = "do not send the workload's set-up requests (the state is prepared already)")
    boolean skipSetup;

    @Override
    public Integer call() throws Exception {
        Workload w = Workload.parse(workload);
        if (concurrencies.stream().anyMatch(n -> n < 1) || seconds <= 0 || warmup < 0) {
            throw new IllegalArgumentException("need --concurrency >= 1, --seconds > 0 and --warmup >= 0");
        }
        URI base = gateway != null ? gateway : URI.create(LocalPlatform.readState(stateDirectory.path(), "gateway"));
        try (HttpLoadRunner runner = new HttpLoadRunner(base, client)) {
            String label = config != null ? config : runner.mode();
            if (label == null) {
                throw new IllegalArgumentException(
                        "the gateway at " + base + " does not report its mode: give --config");
            }
            System.out.printf(
                    Locale.ROOT,
                    "mu2sls bench-http: %s (%s), config %s, %s clients, %s s after %s s warm-up, gateway %s%n",
                    w,
                    w.description,
                    label,
                    concurrencies,
                    seconds,
                    warmup,
                    base);
            System.out.flush();
            if (!skipSetup && !w.setup().isEmpty()) {
                long start = System.nanoTime();
                runner.setup(w);
                System.out.printf(
                        Locale.ROOT,
                        "set-up: %d requests in %.1f s%n",
                        w.setup().size(),
                        (System.nanoTime() - start) / 1e9);
            }
            List<LoadPlot.Level> levels = new ArrayList<>();
            boolean failed = false;
            for (int concurrency : concurrencies) {
                HttpLoadRunner.Result result = runner.run(
                        w,
                        concurrency,
                        BenchCommand.seconds(warmup),
                        BenchCommand.seconds(seconds),
                        seed,
                        Progress.stderr(),
                        w + " " + label);
                result.errorSamples().forEach(sample -> System.out.println("error: " + sample));
                System.out.printf(
                        Locale.ROOT,
                        "mu2sls %s %s c=%d rps=%.1f p50_ms=%.3f p99_ms=%.3f errors=%d%n",
                        w,
                        label,
                        concurrency,
                        result.rps(),
                        result.percentileMillis(50),
                        result.percentileMillis(99),
                        result.errors());
                levels.add(new LoadPlot.Level(concurrency, result.rps(), result.latencyMicros()));
                failed |= result.errors() > 0;
            }
            if (plot != null) {
                LoadPlot.write(plot, w + " " + label + " over HTTP", levels);
                System.out.println("plot: " + plot);
            }
            return failed ? 1 : 0;
        }
    }
}
