package dev.mu2sls.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mu2sls.core.CrashPoint;
import dev.mu2sls.core.Mode;
import dev.mu2sls.simulator.FaultPlan;
import dev.mu2sls.simulator.SpecComparison;
import java.util.EnumSet;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tag;

/**
 * G1 and G3 as properties: under a random fault plan per seed (crashes at every crash point,
 * timeouts with zombies, concurrent and sequential duplicates), every client response and the
 * final state equal the spec run's. A failure names the seed; {@code FaultPlan.random(seed)}
 * with the same workload seed replays it.
 */
@Tag("slow")
class ExactlyOnceProperties {

    @Property(tries = 1000, shrinking = ShrinkingMode.OFF)
    void counter_underRandomFaultPlan_refinesSpec(@ForAll long seed) {
        SpecComparison.run(Workloads.W1, FaultPlan.random(seed), Workloads.counter(seed, "Counter"))
                .assertEquivalent();
    }

    @Property(tries = 1000, shrinking = ShrinkingMode.OFF)
    void chain_underRandomFaultPlan_refinesSpec(@ForAll long seed) {
        SpecComparison.run(Workloads.W2, FaultPlan.random(seed), Workloads.counter(seed, "Caller1"))
                .assertEquivalent();
    }

    @Property(tries = 1000, shrinking = ShrinkingMode.OFF)
    void mixedService_underRandomFaultPlan_refinesSpec(@ForAll long seed) {
        SpecComparison.Result result =
                SpecComparison.run(Workloads.MIXED, FaultPlan.random(seed), Workloads.mixed(seed));
        result.assertEquivalent();
        assertThat(result.implementation()).isNotEmpty();
    }

    /** The comparison is able to fail: without the journal, crashes and duplicates double-apply or lose effects. */
    @Example
    void unsafeMode_underCrashesAndDuplicates_isCaughtByTheComparison() {
        int caught = 0;
        for (long seed = 0; seed < 20; seed++) {
            FaultPlan plan = FaultPlan.builder(seed)
                    .crashes(0.2, EnumSet.allOf(CrashPoint.class))
                    .sequentialDuplicates(0.5)
                    .concurrentDuplicates(0.3)
                    .build();
            if (SpecComparison.run(Workloads.W2, plan, Workloads.counter(seed, "Caller1"), Mode.UNSAFE)
                            .firstDifference()
                    != null) {
                caught++;
            }
        }
        assertThat(caught)
                .as("unsafe runs caught by the spec comparison, of 20")
                .isGreaterThanOrEqualTo(15);
    }
}
