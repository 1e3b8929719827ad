package dev.mu2sls.examples;

import dev.mu2sls.simulator.FaultCounts;
import dev.mu2sls.simulator.FaultPlan;
import dev.mu2sls.simulator.Simulator;
import dev.mu2sls.simulator.SpecComparison;
import dev.mu2sls.simulator.SpecComparison.Request;
import dev.mu2sls.spi.ServiceDefinition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.LongAdder;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tag;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * G1, G2 and G4 at the edges of time (issue 14): under {@link FaultPlan#edges} plans, zombies
 * stall past the transaction lease and past the response retention while the expiry sweeps run,
 * store commits lose their replies, and client requests are accepted durably, as every platform
 * accepts them. Every response, the final state and the leftovers must still equal the spec's.
 * A failure names the seed; {@code FaultPlan.edges(seed)} with the same workload seed replays it.
 */
@Tag("slow")
class EdgeProperties {
    static final int TRIES = 1000;
    private static final LongAdder PLANS = new LongAdder();
    private static final LongAdder PLANS_PAST_RETENTION = new LongAdder();
    private static final LongAdder PLANS_PAST_LEASE_ONLY = new LongAdder();
    private static final LongAdder LOST_REPLIES = new LongAdder();
    private static final LongAdder EXPIRED_EXECUTIONS = new LongAdder();

    @Property(tries = TRIES, shrinking = ShrinkingMode.OFF)
    void counter_atTheEdgesOfTime_refinesSpec(@ForAll long seed) {
        check(Workloads.W1, seed, Workloads.counter(seed, "Counter"));
    }

    @Property(tries = TRIES, shrinking = ShrinkingMode.OFF)
    void chain_atTheEdgesOfTime_refinesSpec(@ForAll long seed) {
        check(Workloads.W2, seed, Workloads.counter(seed, "Caller1"));
    }

    @Property(tries = TRIES, shrinking = ShrinkingMode.OFF)
    void travel_atTheEdgesOfTime_refinesSpec(@ForAll long seed) {
        check(Workloads.W5, seed, Workloads.travel(seed));
    }

    @Property(tries = TRIES, shrinking = ShrinkingMode.OFF)
    void bank_atTheEdgesOfTime_refinesSpec(@ForAll long seed) {
        check(Workloads.W6, seed, bank(seed));
    }

    @AfterContainer
    static void report() {
        System.out.printf(
                "EdgeProperties: %d plans, %d with a stall past the response retention, %d more with a stall"
                        + " past the transaction lease only; %d commit replies lost, %d executions stopped at their deadline%n",
                PLANS.sum(),
                PLANS_PAST_RETENTION.sum(),
                PLANS_PAST_LEASE_ONLY.sum(),
                LOST_REPLIES.sum(),
                EXPIRED_EXECUTIONS.sum());
    }

    static void configure(Simulator.Builder simulator) {
        simulator
                .acceptDurably(true)
                .responseRetention(Duration.ofMinutes(10))
                .transactionLease(Duration.ofSeconds(30))
                .maxExecutionAge(Duration.ofMinutes(1));
    }

    private static void check(List<ServiceDefinition> services, long seed, List<Request> requests) {
        SpecComparison.Result result =
                SpecComparison.run(services, FaultPlan.edges(seed), requests, EdgeProperties::configure);
        record(result.faults());
        result.assertEquivalent(); // responses, final state, and nothing left behind (no journal, pending status or
        // intent)
    }

    private static void record(FaultCounts faults) {
        PLANS.increment();
        if (faults.stallsPastRetention() > 0) {
            PLANS_PAST_RETENTION.increment();
        } else if (faults.longStalls() > 0) {
            PLANS_PAST_LEASE_ONLY.increment();
        }
        LOST_REPLIES.add(faults.lostReplies());
        EXPIRED_EXECUTIONS.add(faults.expiredExecutions());
    }

    /** W6: a few accounts, transfers between them (some overdraw and are refused), audits. */
    static List<Request> bank(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Request> requests = new ArrayList<>();
        int accounts = 3;
        for (int i = 0; i < accounts; i++) {
            requests.add(
                    new Request("open-a" + i, "Account", "open", "[\"a" + i + "\", " + random.nextInt(5, 20) + "]"));
        }
        int count = random.nextInt(3, 10);
        for (int i = 0; i < count; i++) {
            if (random.nextInt(5) == 0) {
                requests.add(new Request("audit" + i, "Bank", "audit", "[]"));
            } else {
                int from = random.nextInt(accounts);
                int to = (from + 1 + random.nextInt(accounts - 1)) % accounts;
                requests.add(new Request(
                        "x" + i,
                        "Bank",
                        "transfer",
                        "[\"a" + from + "\", \"a" + to + "\", " + random.nextInt(1, 15) + "]"));
            }
        }
        return requests;
    }
}
