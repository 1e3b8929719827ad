package dev.mu2sls.examples;

import dev.mu2sls.simulator.FaultPlan;
import dev.mu2sls.simulator.SpecComparison;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tag;

/**
 * G1-G3 for the example applications beyond the counters: W4 media (fan-out of uploads that
 * race to complete a review, published in a transaction), the URL shortener and the social
 * graph (timeline fan-out). Under a random fault plan per seed (crashes at every crash point,
 * timeouts with zombies, concurrent and sequential duplicates), every client response —
 * including the clear errors of bad requests — and the final state equal the spec run's.
 * Setup requests (users, movies) are part of each sequence, so the spec sees them too.
 */
@Tag("slow")
class ApplicationProperties {

    @Property(tries = 300, shrinking = ShrinkingMode.OFF)
    void media_underRandomFaultPlan_refinesSpec(@ForAll long seed) {
        SpecComparison.run(Workloads.W4, FaultPlan.random(seed), Workloads.media(seed))
                .assertEquivalent();
    }

    @Property(tries = 300, shrinking = ShrinkingMode.OFF)
    void shortener_underRandomFaultPlan_refinesSpec(@ForAll long seed) {
        SpecComparison.run(Workloads.SHORTENER, FaultPlan.random(seed), Workloads.shortener(seed))
                .assertEquivalent();
    }

    @Property(tries = 300, shrinking = ShrinkingMode.OFF)
    void social_underRandomFaultPlan_refinesSpec(@ForAll long seed) {
        SpecComparison.run(Workloads.SOCIAL, FaultPlan.random(seed), Workloads.social(seed))
                .assertEquivalent();
    }
}
