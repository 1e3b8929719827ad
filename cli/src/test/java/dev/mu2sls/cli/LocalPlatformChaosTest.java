package dev.mu2sls.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mu2sls.core.Inspector;
import dev.mu2sls.json.JsonCodec;
import dev.mu2sls.platform.local.LocalPlatform;
import dev.mu2sls.platform.local.PlatformMode;
import dev.mu2sls.platform.local.PlatformStore;
import dev.mu2sls.simulator.AfterRunCheck;
import dev.mu2sls.store.postgres.PostgresStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end on the local multi-process platform, over HTTP, with chaos: every service runs as
 * two JVM processes and random instances are killed with SIGKILL at least five times under load;
 * clients retry unacknowledged requests with the same Idempotency-Key. The travel run also runs
 * co-located ({@code up --colocate}: every service in each of the two processes). Afterwards nothing
 * acknowledged is lost and every effect happened once (W2: the counter history is explained by
 * the spec and the final values are the sums of acknowledged adds; W5: no overbooking, committed
 * reservations are exactly the placed orders, one order per acknowledged booking), and no request
 * is left running.
 */
@Tag("slow")
class LocalPlatformChaosTest {
    private static final int CLIENTS = 8;
    private static final int KILLS = 5;

    @RegisterExtension
    static final PostgresPerClass postgres = new PostgresPerClass();

    @TempDir
    Path state;

    @Test
    void chain_chaosKillsInstances_everyAcknowledgedAddAppliedExactlyOnce() throws Exception {
        Run run = run("chain", false, List.of(), random -> Workload.W2.next(random));
        Map<String, Long> finals = new HashMap<>();
        run.state().forEach((key, value) -> {
            if (key.startsWith("Counter.counts[\"")) {
                finals.put(key.substring("Counter.counts[\"".length(), key.length() - 2), Long.parseLong(value));
            }
        });
        assertThat(CounterHistoryCheck.check(run.history(), finals)).isEmpty();
        long acknowledged =
                run.history().stream().mapToLong(c -> c.request().delta()).sum();
        assertThat(finals.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(acknowledged);
    }

    @Test
    void travel_chaosKillsInstances_noOverbookingAndOrdersMatchReservations() throws Exception {
        travel(false);
    }

    /** Every service in each process ({@code up --colocate}): the transaction's calls stay in-process. */
    @Test
    void travelCoLocated_chaosKillsInstances_noOverbookingAndOrdersMatchReservations() throws Exception {
        travel(true);
    }

    private void travel(boolean colocate) throws Exception {
        List<Workload.Request> open = List.of(
                new Workload.Request("Hotel", "open", "[\"h0\", 12]", null, 0),
                        new Workload.Request("Hotel", "open", "[\"h1\", 12]", null, 0),
                new Workload.Request("Flight", "open", "[\"f0\", 12]", null, 0),
                        new Workload.Request("Flight", "open", "[\"f1\", 12]", null, 0));
        Run run = run(
                "travel",
                colocate,
                open,
                random -> new Workload.Request(
                        "Frontend",
                        "book",
                        "[\"u" + random.nextInt(100) + "\",\"f" + random.nextInt(2) + "\",\"h" + random.nextInt(2)
                                + "\"]",
                        null,
                        0));
        assertThat(InvariantChecks.travel(run.state())).isEmpty();
        long booked = run.history().stream()
                .filter(c -> c.request().method().equals("book"))
                .filter(c -> !new String(c.response().value(), UTF_8).equals("\"sold out\""))
                .count();
        long orders = run.state().keySet().stream()
                .filter(k -> k.startsWith("Order.orders"))
                .count();
        assertThat(orders).as("one order per acknowledged booking").isEqualTo(booked);
    }

    private record Run(List<LoadRunner.Completed> history, SortedMap<String, String> state) {}

    private Run run(
            String app,
            boolean colocate,
            List<Workload.Request> setup,
            Function<SplittableRandom, Workload.Request> load)
            throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        LocalPlatform.Options options = new LocalPlatform.Options(
                app,
                PlatformMode.FULL,
                postgres.jdbcUrl(),
                "postgres",
                "postgres",
                state,
                0,
                2,
                3,
                8,
                Duration.ofMillis(1200),
                7,
                List.of("-XX:+UseSerialGC", "-Xmx128m", "-XX:TieredStopAtLevel=1"),
                new PrintStream(log, true, UTF_8),
                false,
                Main.class.getName(),
                colocate);
        long starting = System.nanoTime();
        try (LocalPlatform platform = LocalPlatform.start(options);
                ClientHistory clients = new ClientHistory(platform.gateway())) {
            long started = System.nanoTime();
            for (int i = 0; i < setup.size(); i++) {
                assertThat(clients.call("setup-" + i, setup.get(i)).ok()).isTrue();
            }
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> threads = clients.start(CLIENTS, stop, app, load);
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (platform.kills() < KILLS + 1 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            long loaded = System.nanoTime();
            platform.stopChaos();
            stop.set(true);
            for (Thread thread : threads) {
                thread.join(Duration.ofSeconds(120));
                assertThat(thread.isAlive())
                        .as("a client still waiting after two minutes\n" + log)
                        .isFalse();
            }
            assertThat(platform.kills()).as(log.toString(UTF_8)).isGreaterThanOrEqualTo(KILLS);
            assertThat(clients.rejections).as("requests rejected").isEmpty();
            List<LoadRunner.Completed> history = clients.history();
            List<String> failed = history.stream()
                    .filter(c -> !c.response().ok())
                    .map(c -> c.id() + " " + c.request() + " -> " + c.response())
                    .toList();
            if (!failed.isEmpty()) {
                System.out.println(log.toString(UTF_8) + instanceWarnings());
            }
            assertThat(failed).as("acknowledged with a failure").isEmpty();
            System.out.println(app + ": " + history.size() + " acknowledged requests, " + clients.retries.get()
                    + " client retries, "
                    + platform.summary() + "; start " + (started - starting) / 1_000_000 + " ms, load "
                    + (loaded - started) / 1_000_000
                    + " ms, drain " + (System.nanoTime() - loaded) / 1_000_000 + " ms");
            try (PostgresStore store =
                    PostgresStore.open(postgres.jdbcUrl(), "postgres", "postgres", 2, PlatformStore.table(app))) {
                assertThat(AfterRunCheck.problems(store))
                        .as("left behind after every request completed")
                        .isEmpty();
                return new Run(history, new Inspector(store, new JsonCodec()).dumpState());
            }
        }
    }

    /** The warnings and errors the instances logged, to explain a failure. */
    private String instanceWarnings() {
        StringBuilder out = new StringBuilder("\ninstance warnings and errors:\n");
        try (Stream<Path> logs = Files.list(state.resolve("logs"))) {
            for (Path file : logs.sorted().toList()) {
                for (String line : Files.readAllLines(file, UTF_8)) {
                    if (line.contains("WARN") || line.contains("ERROR")) {
                        out.append(file.getFileName()).append(": ").append(line).append('\n');
                    }
                }
            }
        } catch (IOException e) {
            out.append("(unreadable: ").append(e).append(")\n");
        }
        return out.toString();
    }
}
