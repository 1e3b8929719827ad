package dev.mu2sls.examples;

import dev.mu2sls.simulator.FaultPlan;
import dev.mu2sls.simulator.SpecComparison;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tag;

/**
 * G1-G3 with transactions: W3 (async fan-out committed together) and W5 (bookings that commit
 * or abort) under a random fault plan per seed equal their spec run, and leave no provisional
 * records or pending transactions behind.
 */
@Tag("slow")
class TransactionProperties {

    @Property(tries = 500, shrinking = ShrinkingMode.OFF)
    void tree_underRandomFaultPlan_refinesSpec(@ForAll long seed) {
        SpecComparison.run(Workloads.W3, FaultPlan.random(seed), Workloads.tree(seed))
                .assertEquivalent();
    }

    @Property(tries = 500, shrinking = ShrinkingMode.OFF)
    void travel_underRandomFaultPlan_refinesSpec(@ForAll long seed) {
        SpecComparison.run(Workloads.W5, FaultPlan.random(seed), Workloads.travel(seed))
                .assertEquivalent();
    }
}
