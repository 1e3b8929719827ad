package dev.mu2sls.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mu2sls.core.CrashPoint;
import dev.mu2sls.simulator.FaultCounts;
import dev.mu2sls.simulator.FaultPlan;
import dev.mu2sls.simulator.SpecComparison;
import java.time.Duration;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/** Every named crash point is reachable and survived: the fault plans really test all of them. */
class CrashPointCoverageTest {

    @Test
    void mixedWorkload_underHeavyFaults_hitsEveryCrashPointAndRefinesSpec() {
        long[] hits = new long[CrashPoint.values().length];
        long stalls = 0;
        for (long seed = 0; seed < 40; seed++) {
            FaultPlan plan = FaultPlan.builder(seed)
                    .crashes(0.15, EnumSet.allOf(CrashPoint.class))
                    .stalls(0.05, Duration.ofMillis(1))
                    .concurrentDuplicates(0.2)
                    .sequentialDuplicates(0.2)
                    .faultyAttempts(3)
                    .build();
            SpecComparison.Result result = SpecComparison.run(Workloads.MIXED, plan, Workloads.mixed(seed));
            result.assertEquivalent();
            FaultCounts faults = result.faults();
            for (CrashPoint point : CrashPoint.values()) {
                hits[point.ordinal()] += faults.crashes().get(point);
            }
            stalls += faults.stalls();
        }
        for (CrashPoint point : CrashPoint.values()) {
            assertThat(hits[point.ordinal()])
                    .as("crashes injected at %s", point)
                    .isPositive();
        }
        assertThat(stalls).as("timeouts leaving zombies").isPositive();
    }
}
