package dev.mu2sls.testing;

import dev.mu2sls.core.CrashPoint;
import dev.mu2sls.simulator.FaultPlan;
import java.util.EnumSet;

/** Named fault plans, each a function of the seed, so that a seed alone replays a run. */
public enum Faults {
    /** No faults: concurrency only. */
    NONE,
    /** {@link FaultPlan#demo(long)}: every kind of fault, at low rates. */
    DEMO,
    /** {@link FaultPlan#random(long)}: kinds and rates drawn from the seed; what property tests use. */
    RANDOM,
    /** Crashes at every crash point (20%) and duplicate deliveries (30%, sequential and concurrent). */
    CRASHES_AND_DUPLICATES;

    /** The plan this profile draws from {@code seed}. */
    public FaultPlan plan(long seed) {
        return switch (this) {
            case NONE -> FaultPlan.none();
            case DEMO -> FaultPlan.demo(seed);
            case RANDOM -> FaultPlan.random(seed);
            case CRASHES_AND_DUPLICATES ->
                FaultPlan.builder(seed)
                        .crashes(0.2, EnumSet.allOf(CrashPoint.class))
                        .concurrentDuplicates(0.3)
                        .sequentialDuplicates(0.3)
                        .build();
        };
    }
}
