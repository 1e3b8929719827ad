package dev.mu2sls.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The commands as a user runs them: exit codes and the lines scripts rely on. */
@Tag("slow")
class CommandLineTest {

    private record Run(int exitCode, List<String> lines) {}

    private static Run run(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            int code = Main.run(args);
            return new Run(
                    code, captured.toString(StandardCharsets.UTF_8).lines().toList());
        } finally {
            System.setOut(original);
        }
    }

    @Test
    void demo_short_reportsEveryFaultKindAndNoAnomalies() {
        Run demo = run("demo", "--seconds", "3", "--concurrency", "16", "--crash-rate", "0.05", "--stall-rate", "0.02");
        assertThat(demo.lines().getLast()).isEqualTo("anomalies: 0");
        assertThat(demo.exitCode()).isZero();
        for (String kind : List.of(
                "crash at STEP",
                "crash at BEFORE_CALL",
                "crash at AFTER_CALL_REPLY",
                "crash at BEFORE_COMPLETE",
                "crash at AFTER_COMPLETE",
                "crash at BEFORE_STORE_COMMIT",
                "crash at AFTER_STORE_COMMIT",
                "timeouts leaving a zombie",
                "concurrent duplicate deliveries",
                "sequential duplicate deliveries",
                "committed")) {
            String line = demo.lines().stream()
                    .filter(l -> l.trim().startsWith(kind))
                    .findFirst()
                    .orElseThrow();
            long count = Long.parseLong(line.trim().substring(line.trim().lastIndexOf(' ') + 1));
            assertThat(count).as(kind).isPositive();
        }
    }

    /** Issue 15's W7: orders, payments, one-way notifications and cancel timers under faults, checked after every timer fired. */
    @Test
    void demo_shop_cancelsEveryUnpaidOrderOnce_withNoAnomalies() {
        Run demo = run("demo", "--workloads", "W7", "--seconds", "3", "--concurrency", "8");
        assertThat(demo.lines())
                .anySatisfy(line -> assertThat(line).matches("\\s*W7\\s+[1-9][0-9]* requests, 0 anomalies"));
        assertThat(demo.lines().getLast()).isEqualTo("anomalies: 0");
        assertThat(demo.exitCode()).isZero();
    }

    @Test
    void bench_printsTheResultLineLast() {
        Run bench = run(
                "bench",
                "--workload",
                "W5",
                "--config",
                "full",
                "--concurrency",
                "4",
                "--seconds",
                "1",
                "--warmup",
                "0");
        assertThat(bench.exitCode()).isZero();
        assertThat(bench.lines().getLast())
                .matches("mu2sls W5 full c=4 rps=[0-9.]+ p50_ms=[0-9.]+ p99_ms=[0-9.]+ errors=0");
    }

    @Test
    void bench_noTelemetry_measuresTheEngineAlone_withoutTheMetricsSummary() {
        Run observed = run("bench", "--workload", "W1", "--concurrency", "2", "--seconds", "0.5", "--warmup", "0");
        assertThat(observed.lines()).anySatisfy(line -> assertThat(line).contains("reexecutions"));
        Run alone = run(
                "bench",
                "--workload",
                "W1",
                "--concurrency",
                "2",
                "--seconds",
                "0.5",
                "--warmup",
                "0",
                "--no-telemetry");
        assertThat(alone.exitCode()).isZero();
        assertThat(alone.lines()).noneSatisfy(line -> assertThat(line).contains("reexecutions"));
        assertThat(alone.lines().getLast()).startsWith("mu2sls W1 exactly-once c=2 rps=");
    }

    @Test
    void bench_unknownWorkload_failsWithTheChoices() {
        PrintStream originalErr = System.err;
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        System.setErr(new PrintStream(errors, true, StandardCharsets.UTF_8));
        try {
            assertThat(run("bench", "--workload", "W9").exitCode()).isNotZero();
        } finally {
            System.setErr(originalErr);
        }
        assertThat(errors.toString(StandardCharsets.UTF_8)).contains("unknown workload 'W9'", "W1", "W6");
    }
}
