package dev.mu2sls.testing;

import dev.mu2sls.check.Client;
import dev.mu2sls.check.History;
import dev.mu2sls.check.HistoryChecker;
import dev.mu2sls.check.Invariant;
import dev.mu2sls.check.RecordingClient;
import dev.mu2sls.core.Mode;
import dev.mu2sls.core.Response;
import dev.mu2sls.simulator.AfterRunCheck;
import dev.mu2sls.simulator.FaultCounts;
import dev.mu2sls.simulator.FaultPlan;
import dev.mu2sls.simulator.Simulator;
import dev.mu2sls.spec.RecordedChoices;
import dev.mu2sls.spi.ServiceDefinition;
import dev.mu2sls.store.Store;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;

/**
 * A recorded run of your services on the in-process serverless simulator under a seeded fault
 * plan, checked against their spec: send requests (from as many threads as you like, or with
 * {@link #runClients}), then {@link #check()} waits for the platform to go quiet and asks the
 * {@link HistoryChecker} whether some serial order of the spec explains every response and the
 * final state, and whether every {@link Invariant} you registered holds. The
 * {@link Mu2slsSimulation} extension does this around a JUnit test; this class is the same thing
 * by hand.
 *
 * <pre>{@code
 * try (Simulation simulation = Simulation.builder(List.of(new CounterDispatcher())).seed(42).faults(Faults.RANDOM).build()) {
 *     simulation.runClients(8, 25, (random, client, i) ->
 *             new Simulation.Request("Counter", "add", "[\"k" + random.nextInt(4) + "\", 1]"));
 *     simulation.check().assertOk();   // fails with the violation and the seed to replay
 * }
 * }</pre>
 *
 * <h2>Replay</h2>
 * Everything random derives from the seed: the fault plan ({@link Faults#plan(long)}) and the
 * clients' random sources. Thread scheduling does not, so a seed replays a failure closely but
 * not always exactly; run it a few times.
 *
 * <h2>Thread safety</h2>
 * {@link #call} may be used from any number of threads; {@link #check()} after they finish.
 */
public final class Simulation implements Client, AutoCloseable {
    private final List<ServiceDefinition> services;
    private final long seed;
    private final Faults faults;
    private final FaultPlan plan;
    private final Mode mode;
    private final long maxConfigurations;
    private final Duration timeLimit;
    private final RecordedChoices choices;
    private final Simulator simulator;
    private final RecordingClient client;
    private final List<Invariant> invariants = new CopyOnWriteArrayList<>();
    private final List<String> clientErrors = new CopyOnWriteArrayList<>();

    private Simulation(Builder builder) {
        this.services = List.copyOf(builder.services);
        this.seed = builder.seed;
        this.faults = builder.plan == null ? builder.faults : null;
        this.plan = builder.plan == null ? builder.faults.plan(seed) : builder.plan;
        this.mode = builder.mode;
        this.maxConfigurations = builder.maxConfigurations;
        this.timeLimit = builder.timeLimit;
        this.invariants.addAll(builder.invariants);
        this.choices = new RecordedChoices(seed, mode);
        Simulator.Builder platform = Simulator.builder()
                .services(services)
                .faultPlan(plan)
                .mode(mode)
                .listener(choices);
        if (builder.store != null) {
            platform.store(builder.store);
        }
        this.simulator = platform.build();
        this.client = new RecordingClient(simulator::call, new History(), "r");
    }

    /** A simulation of {@code services} (their generated {@code <Name>Dispatcher}s). */
    public static Builder builder(Iterable<? extends ServiceDefinition> services) {
        return new Builder(services);
    }

    /**
     * Sends a client request, records it, and returns its response.
     *
     * @throws dev.mu2sls.InvalidRequestException for bad input (recorded with an unknown outcome)
     */
    @Override
    public Response call(String requestId, String service, String method, String jsonArguments) {
        return client.call(requestId, service, method, jsonArguments);
    }

    /** Sends a client request under a fresh id ({@code r1}, {@code r2}, ...). */
    public Response call(String service, String method, String jsonArguments) {
        return client.call(service, method, jsonArguments);
    }

    /** One request a {@link Script} makes. */
    public record Request(String service, String method, String jsonArguments) {}

    /** What a simulated client sends next. */
    @FunctionalInterface
    public interface Script {
        /**
         * @param random the client's own random source, seeded from the simulation's seed
         * @param client the client's number, from 0
         * @param index the request's number for this client, from 0
         */
        Request next(SplittableRandom random, int client, int index);
    }

    /**
     * Runs {@code clients} closed-loop clients on virtual threads, each sending
     * {@code requestsPerClient} requests one after another (ids {@code c<client>-<index>}), and
     * returns when all are answered. A request whose client call throws is recorded with an
     * unknown outcome and reported by {@link #check()}.
     */
    public void runClients(int clients, int requestsPerClient, Script script) {
        Objects.requireNonNull(script, "script");
        List<Thread> threads = new ArrayList<>(clients);
        for (int c = 0; c < clients; c++) {
            int number = c;
            threads.add(Thread.ofVirtual().name("mu2sls-client-" + c).start(() -> {
                SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + number);
                for (int i = 0; i < requestsPerClient; i++) {
                    Request request = script.next(random, number, i);
                    String id = "c" + number + "-" + i;
                    try {
                        client.call(id, request.service(), request.method(), request.jsonArguments());
                    } catch (RuntimeException failure) {
                        clientErrors.add(id + ": " + request.service() + "." + request.method()
                                + request.jsonArguments() + " threw " + failure);
                    }
                }
            }));
        }
        try {
            for (Thread thread : threads) {
                thread.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while simulated clients were running", e);
        }
    }

    /** Adds an invariant that {@link #check()} checks besides the history search. */
    public Simulation invariant(Invariant invariant) {
        invariants.add(Objects.requireNonNull(invariant, "invariant"));
        return this;
    }

    /**
     * Waits until no execution, zombie or duplicate is running, then checks the recorded history
     * and the final state against the spec, the invariants, and the engine's bookkeeping (no
     * journal, pending transaction or provisional record left behind; duplicate deliveries
     * answered alike).
     */
    public Verdict check() {
        try {
            simulator.awaitQuiescence(AfterRunCheck.QUIESCENCE_TIMEOUT);
        } catch (TimeoutException e) {
            throw new AssertionError(
                    "executions still running " + AfterRunCheck.QUIESCENCE_TIMEOUT.toSeconds()
                            + " s after the last response; " + replay(),
                    e);
        }
        SortedMap<String, String> state = simulator.inspector().dumpState();
        List<History.Operation> operations = client.history().operations();
        HistoryChecker.Result result = HistoryChecker.builder(services)
                .choices(choices)
                .maxConfigurations(maxConfigurations)
                .timeLimit(timeLimit)
                .build()
                .check(operations, state);
        List<String> problems = new ArrayList<>(clientErrors);
        for (Invariant invariant : invariants) {
            problems.addAll(invariant.violations(operations, state));
        }
        problems.addAll(AfterRunCheck.problems(simulator));
        return new Verdict(seed, plan, mode, replay(), result, List.copyOf(problems), simulator.faults());
    }

    /** How to run this simulation again. */
    public String replay() {
        String how = faults != null
                ? "@Mu2slsSimulation(seed = " + seed + "L, faults = Faults." + faults
                        + (mode != Mode.FULL ? ", mode = Mode." + mode : "")
                        + "), or -Dmu2sls.seed=" + seed + ", or Simulation.builder(services).seed(" + seed
                        + "L).faults(Faults."
                        + faults + ")"
                : "Simulation.builder(services).seed(" + seed + "L).faultPlan(" + plan + ")";
        return "replay with " + how;
    }

    public long seed() {
        return seed;
    }

    public FaultPlan plan() {
        return plan;
    }

    public Mode mode() {
        return mode;
    }

    public History history() {
        return client.history();
    }

    /** The platform, for its engine (stats), its inspector ({@code dumpState()}) and fault counts. */
    public Simulator simulator() {
        return simulator;
    }

    /** The implementation's nondeterministic choices, as the spec replays them. */
    public RecordedChoices choices() {
        return choices;
    }

    @Override
    public void close() {
        simulator.close();
    }

    @Override
    public String toString() {
        return "Simulation[seed " + seed + ", mode " + mode + ", " + plan + "]";
    }

    /**
     * What {@link #check()} found.
     *
     * @param replay how to run the simulation again
     * @param history the history checker's result
     * @param problems invariant violations, client calls that threw, bookkeeping left behind
     * @param faults what the fault plan injected
     */
    public record Verdict(
            long seed,
            FaultPlan plan,
            Mode mode,
            String replay,
            HistoryChecker.Result history,
            List<String> problems,
            FaultCounts faults) {

        /** Whether the history was explained and nothing else was wrong. */
        public boolean ok() {
            return history.ok() && problems.isEmpty();
        }

        /** Whether the only thing wrong is that the search ran out of budget. */
        public boolean inconclusive() {
            return history instanceof HistoryChecker.Result.Inconclusive && problems.isEmpty();
        }

        /** A readable account, with the seed and plan to replay. */
        public String report() {
            StringBuilder out = new StringBuilder("mu2sls simulation ")
                    .append(ok() ? "passed" : "FAILED")
                    .append(" (seed ")
                    .append(seed)
                    .append(", mode ")
                    .append(mode)
                    .append(", ")
                    .append(plan)
                    .append(")\n");
            out.append(history.report()).append('\n');
            if (!problems.isEmpty()) {
                out.append("Other problems:\n");
                problems.stream()
                        .limit(20)
                        .forEach(p -> out.append("  - ").append(p).append('\n'));
                if (problems.size() > 20) {
                    out.append("  ... and ").append(problems.size() - 20).append(" more\n");
                }
            }
            out.append("Faults injected: ")
                    .append(faults.totalCrashes())
                    .append(" crashes, ")
                    .append(faults.stalls())
                    .append(" timeouts with zombies, ")
                    .append(faults.concurrentDuplicates())
                    .append(" concurrent and ")
                    .append(faults.sequentialDuplicates())
                    .append(" sequential duplicates, ")
                    .append(faults.reExecutions())
                    .append(" re-executions\n");
            return out.append(replay).toString();
        }

        /** @throws AssertionError with the {@link #report()} unless {@link #ok()} */
        public void assertOk() {
            if (!ok()) {
                throw new AssertionError(report());
            }
        }
    }

    /** Configures a {@link Simulation}. */
    public static final class Builder {
        private final List<ServiceDefinition> services = new ArrayList<>();
        private long seed;
        private Faults faults = Faults.RANDOM;
        private FaultPlan plan;
        private Mode mode = Mode.FULL;
        private long maxConfigurations = HistoryChecker.DEFAULT_MAX_CONFIGURATIONS;
        private Duration timeLimit = HistoryChecker.DEFAULT_TIME_LIMIT;
        private final List<Invariant> invariants = new ArrayList<>();
        private Store store;

        private Builder(Iterable<? extends ServiceDefinition> services) {
            services.forEach(this.services::add);
            if (this.services.isEmpty()) {
                throw new IllegalArgumentException("a simulation needs at least one service");
            }
        }

        /** The seed of the fault plan and of the clients' random sources; 0 by default. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** A named fault plan drawn from the seed; {@link Faults#RANDOM} by default. */
        public Builder faults(Faults faults) {
            this.faults = Objects.requireNonNull(faults, "faults");
            this.plan = null;
            return this;
        }

        /** An explicit fault plan instead of a named one. */
        public Builder faultPlan(FaultPlan plan) {
            this.plan = Objects.requireNonNull(plan, "plan");
            return this;
        }

        /**
         * What the engine guarantees; {@link Mode#FULL} by default. The weaker modes are for
         * showing that a check can fail.
         */
        public Builder mode(Mode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** The history checker's budget; see {@link HistoryChecker.Builder#maxConfigurations}. */
        public Builder maxConfigurations(long maxConfigurations) {
            this.maxConfigurations = maxConfigurations;
            return this;
        }

        /** The history checker's time budget; see {@link HistoryChecker.Builder#timeLimit}. */
        public Builder timeLimit(Duration timeLimit) {
            this.timeLimit = Objects.requireNonNull(timeLimit, "timeLimit");
            return this;
        }

        /**
         * The store the services' state lives in; a fresh in-memory one by default. To run the
         * same checks over RocksDB or PostgreSQL, pass an open, empty store: the simulation does
         * not close it.
         */
        public Builder store(Store store) {
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }

        public Builder invariant(Invariant invariant) {
            invariants.add(Objects.requireNonNull(invariant, "invariant"));
            return this;
        }

        public Simulation build() {
            return new Simulation(this);
        }
    }
}
