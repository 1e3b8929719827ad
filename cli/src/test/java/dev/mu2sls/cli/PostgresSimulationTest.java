package dev.mu2sls.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mu2sls.check.Invariants;
import dev.mu2sls.examples.counter.CounterDispatcher;
import dev.mu2sls.examples.travel.FlightDispatcher;
import dev.mu2sls.examples.travel.FrontendDispatcher;
import dev.mu2sls.examples.travel.HotelDispatcher;
import dev.mu2sls.examples.travel.OrderDispatcher;
import dev.mu2sls.simulator.FaultPlan;
import dev.mu2sls.spi.ServiceDefinition;
import dev.mu2sls.store.postgres.PostgresStore;
import dev.mu2sls.testing.Simulation;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The history checks of the simulator over PostgreSQL instead of the in-memory store: random fault
 * plans (crashes at every point, zombies, concurrent and sequential duplicates) on the store whose
 * commit batches take the engine's expectations on trust, namely the cached state values its
 * handlers read and the request records its fences expect. A wrong expectation must be refused
 * there, or the history shows an effect applied twice or a transaction interleaved.
 */
@Tag("slow")
class PostgresSimulationTest {
    private static final int CLIENTS = 8;
    private static final int PER_CLIENT = 20;

    private static final List<ServiceDefinition> TRAVEL =
            List.of(new FrontendDispatcher(), new HotelDispatcher(), new FlightDispatcher(), new OrderDispatcher());

    @RegisterExtension
    static final PostgresPerClass postgres = new PostgresPerClass();

    @Test
    void counter_randomFaultPlans_isLinearizable() {
        for (long seed = 701; seed < 704; seed++) {
            run(
                    "counter",
                    List.of(new CounterDispatcher()),
                    seed,
                    FaultPlan.random(seed),
                    simulation -> simulation.runClients(
                            CLIENTS,
                            PER_CLIENT,
                            (random, client, i) -> new Simulation.Request(
                                    "Counter",
                                    "add",
                                    "[\"k" + random.nextInt(4) + "\", " + (1 + random.nextInt(9)) + "]")));
        }
    }

    @Test
    void travel_randomFaultPlans_isLinearizable() {
        for (long seed = 801; seed < 804; seed++) {
            run("travel", TRAVEL, seed, FaultPlan.random(seed), PostgresSimulationTest::book);
        }
    }

    /**
     * Commits applied whose reply is lost, on top of the random faults: the store's retry loop runs
     * the body again, and PostgreSQL's first attempt there takes the engine's expectations on trust
     * (the simulator's wrapper keeps that loop), so a retry that trusts what the lost commit
     * changed must be refused by the batch.
     */
    @Test
    void travel_lostCommitReplies_isLinearizable() {
        long lost = 0;
        for (long seed = 811; seed < 813; seed++) {
            FaultPlan plan =
                    FaultPlan.random(seed).toBuilder().lostReplies(0.05).build();
            lost += run("travel", TRAVEL, seed, plan, PostgresSimulationTest::book)
                    .faults()
                    .lostReplies();
        }
        assertThat(lost).as("commits whose reply was lost").isPositive();
    }

    private static void book(Simulation simulation) {
        simulation.invariant(Invariants.travel());
        for (int place = 0; place < 3; place++) {
            simulation.call("open-h" + place, "Hotel", "open", "[\"h" + place + "\", 5]");
            simulation.call("open-f" + place, "Flight", "open", "[\"f" + place + "\", 5]");
        }
        simulation.runClients(
                CLIENTS,
                PER_CLIENT,
                (random, client, i) -> new Simulation.Request(
                        "Frontend",
                        "book",
                        "[\"u" + random.nextInt(3) + "\", \"f" + random.nextInt(3) + "\", \"h" + random.nextInt(3)
                                + "\"]"));
    }

    /** One seeded run on a table of its own, checked; fails with the report and the seed. */
    private static Simulation.Verdict run(
            String app, List<ServiceDefinition> services, long seed, FaultPlan plan, Consumer<Simulation> load) {
        try (PostgresStore store =
                        PostgresStore.open(postgres.jdbcUrl(), "postgres", "postgres", 4, "sim_" + app + "_" + seed);
                Simulation simulation = Simulation.builder(services)
                        .store(store)
                        .seed(seed)
                        .faultPlan(plan)
                        .build()) {
            load.accept(simulation);
            Simulation.Verdict verdict = simulation.check();
            System.out.println("over PostgreSQL: " + verdict.report());
            verdict.assertOk();
            return verdict;
        }
    }
}
