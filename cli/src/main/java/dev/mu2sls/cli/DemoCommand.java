package dev.mu2sls.cli;

import dev.mu2sls.core.CrashPoint;
import dev.mu2sls.core.EngineStats;
import dev.mu2sls.observability.Telemetry;
import dev.mu2sls.simulator.AfterRunCheck;
import dev.mu2sls.simulator.FaultCounts;
import dev.mu2sls.simulator.FaultPlan;
import dev.mu2sls.simulator.Simulator;
import dev.mu2sls.store.MemoryStore;
import dev.mu2sls.store.Store;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code mu2sls demo}: runs W4 (media), W5 (travel) and W6 (bank) on the simulator over the
 * embedded RocksDB store with every kind of fault on, checks the responses and the final state,
 * and reports. The last line is {@code anomalies: N}.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description =
                "Run W4 (media), W5 (travel) and W6 (bank) under crashes, timeouts with zombies and duplicates; check the results.")
final class DemoCommand implements Callable<Integer> {

    @Option(
            names = "--workloads",
            split = ",",
            defaultValue = "W4,W5,W6",
            converter = WorkloadName.class,
            description =
                    "workloads to run, comma-separated: W1, W2, W3, W4, W5, W5-hot, W6, W7 (default: ${DEFAULT-VALUE})")
    List<Workload> workloads;

    @Option(
            names = "--seconds",
            defaultValue = "15",
            description = "total load duration, split across workloads (default: ${DEFAULT-VALUE})")
    double seconds;

    @Option(
            names = "--concurrency",
            defaultValue = "32",
            description = "closed-loop clients (default: ${DEFAULT-VALUE})")
    int concurrency;

    @Option(
            names = "--seed",
            defaultValue = "42",
            description = "seed of the fault plan and the requests (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(
            names = "--crash-rate",
            defaultValue = "0.02",
            description = "probability of a crash at each crash point (default: ${DEFAULT-VALUE})")
    double crashRate;

    @Option(
            names = "--stall-rate",
            defaultValue = "0.005",
            description = "probability of a timeout leaving a zombie at each crash point (default: ${DEFAULT-VALUE})")
    double stallRate;

    @Option(
            names = "--duplicate-rate",
            defaultValue = "0.05",
            description =
                    "probability of a concurrent and of a sequential duplicate delivery (default: ${DEFAULT-VALUE})")
    double duplicateRate;

    @Mixin
    StoreOptions storeOptions;

    @Override
    public Integer call() throws TimeoutException {
        if (!(seconds > 0)) {
            throw new IllegalArgumentException("--seconds must be positive: got " + seconds);
        }
        for (double rate : new double[] {crashRate, stallRate, duplicateRate}) {
            if (!(rate >= 0 && rate <= 1)) {
                throw new IllegalArgumentException(
                        "--crash-rate, --stall-rate and --duplicate-rate are probabilities from 0 to 1: got " + rate);
            }
        }
        try (StoreOptions stores = storeOptions.defaultKind(StoreOptions.Kind.ROCKSDB)) {
            return run(stores);
        }
    }

    private int run(StoreOptions stores) throws TimeoutException {
        FaultPlan plan = FaultPlan.builder(seed)
                .crashes(crashRate, EnumSet.allOf(CrashPoint.class))
                .stalls(stallRate, Duration.ofMillis(2))
                .concurrentDuplicates(duplicateRate)
                .sequentialDuplicates(duplicateRate)
                .faultyAttempts(3)
                .build();
        System.out.printf(
                Locale.ROOT,
                "mu2sls demo: %s on the in-process serverless simulator, %d clients, %.0f s, faults on%n",
                workloads,
                concurrency,
                seconds);
        System.out.println("  " + stores.describe());
        System.out.println("  " + plan);
        List<Report> reports = new ArrayList<>();
        try (Telemetry telemetry = Telemetry.fromEnvironment("mu2sls-demo", System.getenv())) {
            for (Workload workload : workloads) {
                try (Store store = stores.open(workload.label)) {
                    reports.add(run(workload, plan, store, telemetry));
                }
            }
            print(reports);
            System.out.print(telemetry.summary());
        }
        long anomalies = reports.stream().mapToLong(r -> r.anomalies.size()).sum();
        System.out.println("anomalies: " + anomalies);
        return anomalies == 0 ? 0 : 1;
    }

    private Report run(Workload workload, FaultPlan plan, Store store, Telemetry telemetry) throws TimeoutException {
        LoadRunner.Options options = new LoadRunner.Options(
                workload,
                concurrency,
                BenchCommand.seconds(seconds / workloads.size()),
                Duration.ZERO,
                seed,
                false,
                true);
        try (Simulator simulator = Simulator.builder()
                .services(workload.services)
                .faultPlan(plan)
                .store(store)
                .acceptDurably(!(store instanceof MemoryStore))
                .observer(telemetry.observer())
                .build()) {
            LoadRunner.Result result = LoadRunner.run(simulator, options, Progress.stderr(), workload.toString());
            simulator.settle(Duration.ofSeconds(60)); // W7's timers: the clock jumps to each, then they fire
            List<String> anomalies = new ArrayList<>(InvariantChecks.check(
                    workload, result.history(), simulator.inspector().dumpState()));
            anomalies.addAll(AfterRunCheck.problems(simulator));
            return new Report(
                    workload, result, simulator.faults(), simulator.engine().stats(), anomalies);
        }
    }

    private static void print(List<Report> reports) {
        System.out.println();
        System.out.printf(
                Locale.ROOT, "%-6s %10s %10s %9s %9s %7s%n", "", "requests", "req/s", "p50_ms", "p99_ms", "errors");
        for (Report r : reports) {
            System.out.printf(
                    Locale.ROOT,
                    "%-6s %10d %10.0f %9.3f %9.3f %7d%n",
                    r.workload,
                    r.result.requests(),
                    r.result.rps(),
                    r.result.percentileMillis(50),
                    r.result.percentileMillis(99),
                    r.result.errors());
        }
        System.out.println();
        System.out.println("faults injected:");
        for (CrashPoint point : CrashPoint.values()) {
            System.out.printf(
                    Locale.ROOT,
                    "  crash at %-22s %8d%n",
                    point,
                    reports.stream()
                            .mapToLong(r -> r.faults.crashes().get(point))
                            .sum());
        }
        System.out.printf(
                Locale.ROOT,
                "  %-31s %8d%n",
                "timeouts leaving a zombie",
                reports.stream().mapToLong(r -> r.faults.stalls()).sum());
        System.out.printf(
                Locale.ROOT,
                "  %-31s %8d%n",
                "concurrent duplicate deliveries",
                reports.stream().mapToLong(r -> r.faults.concurrentDuplicates()).sum());
        System.out.printf(
                Locale.ROOT,
                "  %-31s %8d%n",
                "sequential duplicate deliveries",
                reports.stream().mapToLong(r -> r.faults.sequentialDuplicates()).sum());
        System.out.println("platform and engine:");
        System.out.printf(
                Locale.ROOT,
                "  %-31s %8d%n",
                "deliveries (client + internal)",
                reports.stream().mapToLong(r -> r.faults.deliveries()).sum());
        System.out.printf(
                Locale.ROOT,
                "  %-31s %8d%n",
                "re-executions",
                reports.stream().mapToLong(r -> r.faults.reExecutions()).sum());
        System.out.printf(
                Locale.ROOT,
                "  %-31s %8d%n",
                "replays from the journal",
                reports.stream().mapToLong(r -> r.engine.replays()).sum());
        System.out.printf(
                Locale.ROOT,
                "  %-31s %8d%n",
                "zombie executions fenced",
                reports.stream().mapToLong(r -> r.engine.fenced()).sum());
        System.out.printf(
                Locale.ROOT,
                "  %-31s %8d%n",
                "answered from recorded response",
                reports.stream().mapToLong(r -> r.engine.deduplicated()).sum());
        System.out.println("transactions:");
        System.out.printf(
                Locale.ROOT,
                "  %-31s %8d%n",
                "committed",
                reports.stream()
                        .mapToLong(r -> r.engine.transactionsCommitted())
                        .sum());
        System.out.printf(
                Locale.ROOT,
                "  %-31s %8d%n",
                "aborted (sold out, no funds)",
                reports.stream().mapToLong(r -> r.engine.transactionsAborted()).sum());
        System.out.printf(
                Locale.ROOT,
                "  %-31s %8d%n",
                "retried after a conflict",
                reports.stream().mapToLong(r -> r.engine.transactionConflicts()).sum());
        System.out.println("checks (every workload: each request completed, no journal or transaction record left):");
        for (Report r : reports) {
            System.out.printf(Locale.ROOT, "  %-6s %s%n", r.workload, InvariantChecks.describe(r.workload));
        }
        System.out.println("results:");
        for (Report r : reports) {
            System.out.printf(
                    Locale.ROOT,
                    "  %-6s %d requests, %d anomalies%n",
                    r.workload,
                    r.result.history().size(),
                    r.anomalies.size());
            r.anomalies.stream().limit(10).forEach(a -> System.out.println("    " + a));
        }
    }

    /** Parses W5-hot as well as W4 (picocli's enum conversion knows only constant names). */
    static final class WorkloadName implements CommandLine.ITypeConverter<Workload> {
        @Override
        public Workload convert(String name) {
            return Workload.parse(name.trim());
        }
    }

    private record Report(
            Workload workload,
            LoadRunner.Result result,
            FaultCounts faults,
            EngineStats engine,
            List<String> anomalies) {}
}
