package dev.mu2sls.simulator;

import dev.mu2sls.core.CrashPoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * What can go wrong in a simulated run, drawn from a seed: crashes at {@link CrashPoint}s
 * (by probability, or exactly at a step), timeouts that leave the timed-out execution running as
 * a zombie while the platform re-executes, long stalls in which the zombie sleeps while the
 * simulator's clock moves past the transaction lease or the response retention and the expiry
 * sweeps run, store commits whose reply is lost, and duplicate deliveries, sequential and
 * concurrent.
 *
 * <p>Faults hit only the first {@link #faultyAttempts()} attempts of a request, so every plan
 * eventually lets executions finish and every request completes.
 *
 * <p>Decisions are a function of the seed, the request id, the attempt and the execution's own
 * sequence of crash points, so a seed replays a failing case (up to thread scheduling).
 */
public final class FaultPlan {
    private final long seed;
    private final double crashProbability;
    private final Set<CrashPoint> crashPoints;
    private final double stallProbability;
    private final Duration stall;
    private final double concurrentDuplicateProbability;
    private final double sequentialDuplicateProbability;
    private final int faultyAttempts;
    private final List<ExactCrash> exactCrashes;
    private final double longStallProbability;
    private final double pastRetentionShare;
    private final double lostReplyProbability;

    /** Crash the first attempt of requests whose id matches, at {@code point} when it reaches {@code step}. */
    public record ExactCrash(String requestId, CrashPoint point, int step) {}

    private FaultPlan(Builder b) {
        this.seed = b.seed;
        this.crashProbability = b.crashProbability;
        this.crashPoints = Set.copyOf(b.crashPoints);
        this.stallProbability = b.stallProbability;
        this.stall = b.stall;
        this.concurrentDuplicateProbability = b.concurrentDuplicateProbability;
        this.sequentialDuplicateProbability = b.sequentialDuplicateProbability;
        this.faultyAttempts = b.faultyAttempts;
        this.exactCrashes = List.copyOf(b.exactCrashes);
        this.longStallProbability = b.longStallProbability;
        this.pastRetentionShare = b.pastRetentionShare;
        this.lostReplyProbability = b.lostReplyProbability;
    }

    /** No faults at all: the platform of benchmarks. */
    public static FaultPlan none() {
        return builder(0).build();
    }

    /**
     * A plan with every kind of fault at rates drawn from {@code seed}: what property tests use,
     * one plan per seed.
     */
    public static FaultPlan random(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Set<CrashPoint> points = EnumSet.noneOf(CrashPoint.class);
        for (CrashPoint point : CrashPoint.values()) {
            if (random.nextInt(3) > 0) {
                points.add(point);
            }
        }
        return builder(seed)
                .crashes(random.nextDouble(0.0, 0.25), points)
                .stalls(random.nextDouble(0.0, 0.06), Duration.ofMillis(random.nextInt(1, 4)))
                .concurrentDuplicates(random.nextDouble(0.0, 0.25))
                .sequentialDuplicates(random.nextDouble(0.0, 0.25))
                .faultyAttempts(random.nextInt(1, 4))
                .build();
    }

    /**
     * {@link #random} plus the edges of time: long stalls past the transaction lease and past the
     * response retention (the clock jumps, the expiry sweeps run, then the zombie resumes), and
     * store commits whose reply is lost. For durable acceptance ({@code Simulator.Builder.acceptDurably}).
     */
    public static FaultPlan edges(long seed) {
        FaultPlan base = random(seed);
        SplittableRandom random = new SplittableRandom(~seed);
        return base.toBuilder()
                .longStalls(random.nextDouble(0.005, 0.05), random.nextDouble(0.3, 1.0))
                .lostReplies(random.nextDouble(0.0, 0.05))
                .build();
    }

    /** The demo's default plan: every fault kind on, at rates that keep the run fast. */
    public static FaultPlan demo(long seed) {
        return builder(seed)
                .crashes(0.02, EnumSet.allOf(CrashPoint.class))
                .stalls(0.005, Duration.ofMillis(2))
                .concurrentDuplicates(0.05)
                .sequentialDuplicates(0.05)
                .faultyAttempts(3)
                .build();
    }

    public static Builder builder(long seed) {
        return new Builder(seed);
    }

    public long seed() {
        return seed;
    }

    public double crashProbability() {
        return crashProbability;
    }

    public Set<CrashPoint> crashPoints() {
        return crashPoints;
    }

    public double stallProbability() {
        return stallProbability;
    }

    public Duration stall() {
        return stall;
    }

    public double concurrentDuplicateProbability() {
        return concurrentDuplicateProbability;
    }

    public double sequentialDuplicateProbability() {
        return sequentialDuplicateProbability;
    }

    public int faultyAttempts() {
        return faultyAttempts;
    }

    public List<ExactCrash> exactCrashes() {
        return exactCrashes;
    }

    public double longStallProbability() {
        return longStallProbability;
    }

    /** Of the long stalls, the share that outlive the response retention (the rest only the lease). */
    public double pastRetentionShare() {
        return pastRetentionShare;
    }

    public double lostReplyProbability() {
        return lostReplyProbability;
    }

    /** A builder holding this plan's settings. */
    public Builder toBuilder() {
        Builder builder = builder(seed)
                .crashes(crashProbability, crashPoints)
                .stalls(stallProbability, stall)
                .concurrentDuplicates(concurrentDuplicateProbability)
                .sequentialDuplicates(sequentialDuplicateProbability)
                .faultyAttempts(faultyAttempts)
                .longStalls(longStallProbability, pastRetentionShare)
                .lostReplies(lostReplyProbability);
        builder.exactCrashes.addAll(exactCrashes);
        return builder;
    }

    /** Whether this plan can inject anything. */
    public boolean injectsFaults() {
        return crashProbability > 0
                || stallProbability > 0
                || concurrentDuplicateProbability > 0
                || sequentialDuplicateProbability > 0
                || !exactCrashes.isEmpty()
                || longStallProbability > 0
                || lostReplyProbability > 0;
    }

    /** The seeded random source for one execution attempt of one request. */
    SplittableRandom randomFor(String requestId, int attempt) {
        long mixed = seed * 0x9E3779B97F4A7C15L + requestId.hashCode();
        return new SplittableRandom(mixed * 31 + attempt);
    }

    @Override
    public String toString() {
        return String.format(
                "FaultPlan[seed=%d crash=%.3f at %s stall=%.3f(%dms) longStall=%.3f(past retention %.2f)"
                        + " lostReply=%.3f dupConcurrent=%.3f dupSequential=%.3f faultyAttempts=%d exact=%s]",
                seed,
                crashProbability,
                crashPoints,
                stallProbability,
                stall.toMillis(),
                longStallProbability,
                pastRetentionShare,
                lostReplyProbability,
                concurrentDuplicateProbability,
                sequentialDuplicateProbability,
                faultyAttempts,
                exactCrashes);
    }

    /** Builds a {@link FaultPlan}; every rate defaults to zero. */
    public static final class Builder {
        private final long seed;
        private double crashProbability;
        private Set<CrashPoint> crashPoints = EnumSet.allOf(CrashPoint.class);
        private double stallProbability;
        private Duration stall = Duration.ofMillis(2);
        private double concurrentDuplicateProbability;
        private double sequentialDuplicateProbability;
        private int faultyAttempts = 3;
        private final List<ExactCrash> exactCrashes = new ArrayList<>();
        private double longStallProbability;
        private double pastRetentionShare;
        private double lostReplyProbability;

        private Builder(long seed) {
            this.seed = seed;
        }

        /** Crash with {@code probability} each time an execution reaches one of {@code points}. */
        public Builder crashes(double probability, Set<CrashPoint> points) {
            this.crashProbability = probability(probability, "crash");
            this.crashPoints = EnumSet.noneOf(CrashPoint.class);
            this.crashPoints.addAll(points);
            return this;
        }

        /** Stall (time out) with {@code probability} at a crash point: re-execute, and let the stalled one go on as a zombie after {@code duration}. */
        public Builder stalls(double probability, Duration duration) {
            this.stallProbability = probability(probability, "stall");
            this.stall = Objects.requireNonNull(duration, "duration");
            return this;
        }

        /**
         * With {@code probability} at a crash point, stall long: the platform re-executes, and the
         * stalled execution sleeps until its request's delivery is done, moves the simulator's
         * clock past the transaction lease, or with {@code pastRetentionShare} past the response
         * retention plus twice the maximum execution age, runs the expiry sweeps, and goes on as a
         * zombie.
         */
        public Builder longStalls(double probability, double pastRetentionShare) {
            this.longStallProbability = probability(probability, "long stall");
            this.pastRetentionShare = probability(pastRetentionShare, "past-retention share");
            return this;
        }

        /** With {@code probability}, a store commit is applied but reported as failed, and retried. */
        public Builder lostReplies(double probability) {
            this.lostReplyProbability = probability(probability, "lost reply");
            return this;
        }

        /** Deliver a request twice at once with {@code probability}. */
        public Builder concurrentDuplicates(double probability) {
            this.concurrentDuplicateProbability = probability(probability, "concurrent duplicate");
            return this;
        }

        /** Deliver a completed request again with {@code probability}. */
        public Builder sequentialDuplicates(double probability) {
            this.sequentialDuplicateProbability = probability(probability, "sequential duplicate");
            return this;
        }

        /** How many attempts of a request may be hit by faults (at least 1). */
        public Builder faultyAttempts(int attempts) {
            if (attempts < 1) {
                throw new IllegalArgumentException("faulty attempts must be at least 1: " + attempts);
            }
            this.faultyAttempts = attempts;
            return this;
        }

        /** Crash the first attempt of {@code requestId} at {@code point} when it reaches {@code step}. */
        public Builder crashAt(String requestId, CrashPoint point, int step) {
            exactCrashes.add(new ExactCrash(requestId, point, step));
            return this;
        }

        public FaultPlan build() {
            return new FaultPlan(this);
        }

        private static double probability(double p, String what) {
            if (!(p >= 0 && p <= 1)) {
                throw new IllegalArgumentException(what + " probability must be in [0, 1]: " + p);
            }
            return p;
        }
    }
}
