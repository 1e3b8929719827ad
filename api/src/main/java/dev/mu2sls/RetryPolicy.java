package dev.mu2sls;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How often, and how patiently, {@link Effects#run} retries an effect body that threw: up to
 * {@link #maxAttempts()} runs, waiting an exponentially growing backoff between them. An
 * exception of a {@linkplain Builder#terminal terminal} type ends the effect at once. When the
 * effect ends in failure, the failure is journaled and the handler gets an
 * {@link EffectFailedException}, on this execution and on every re-execution.
 *
 * <pre>{@code
 * RetryPolicy payments = RetryPolicy.builder()
 *         .maxAttempts(5)
 *         .initialBackoff(Duration.ofMillis(200))
 *         .maxBackoff(Duration.ofSeconds(5))
 *         .terminal(CardDeclinedException.class)   // retrying does not help
 *         .build();
 * Receipt receipt = Effects.run("charge", Receipt.class, payments, () -> gateway.charge(card, amount));
 * }</pre>
 *
 * <p>Without a policy, an effect uses its service's {@link EffectRetry} annotation, else
 * {@link #DEFAULT}. Instances are immutable and thread safe.
 */
public final class RetryPolicy {
    /** 5 attempts, backoff 100 ms doubling up to 5 s, no exception terminal. */
    public static final RetryPolicy DEFAULT = builder().build();

    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final double backoffMultiplier;
    private final List<Class<? extends Throwable>> terminal;

    private RetryPolicy(Builder builder) {
        this.maxAttempts = builder.maxAttempts;
        this.initialBackoff = builder.initialBackoff;
        this.maxBackoff = builder.maxBackoff;
        this.backoffMultiplier = builder.backoffMultiplier;
        this.terminal = List.copyOf(builder.terminal);
    }

    /** A builder starting from {@link #DEFAULT}'s settings. */
    public static Builder builder() {
        return new Builder();
    }

    /** One attempt: the first failure is final. */
    public static RetryPolicy noRetries() {
        return builder().maxAttempts(1).build();
    }

    /** How many times the body runs at most (at least 1). */
    public int maxAttempts() {
        return maxAttempts;
    }

    public Duration initialBackoff() {
        return initialBackoff;
    }

    public Duration maxBackoff() {
        return maxBackoff;
    }

    public double backoffMultiplier() {
        return backoffMultiplier;
    }

    /** Exception types (and their subtypes) that end the effect without another attempt. */
    public List<Class<? extends Throwable>> terminal() {
        return terminal;
    }

    /** Whether {@code failure} ends the effect without another attempt. */
    public boolean isTerminal(Throwable failure) {
        for (Class<? extends Throwable> type : terminal) {
            if (type.isInstance(failure)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The wait after failed attempt {@code attempt} (from 1): {@code initialBackoff *
     * multiplier^(attempt-1)}, at most {@code maxBackoff}.
     */
    public Duration backoffAfter(int attempt) {
        double millis = initialBackoff.toMillis() * Math.pow(backoffMultiplier, attempt - 1);
        return millis >= maxBackoff.toMillis() ? maxBackoff : Duration.ofMillis((long) millis);
    }

    @Override
    public String toString() {
        return "RetryPolicy[maxAttempts=" + maxAttempts + ", initialBackoff=" + initialBackoff + ", maxBackoff="
                + maxBackoff + ", backoffMultiplier=" + backoffMultiplier + ", terminal=" + terminal + "]";
    }

    /** Builds a {@link RetryPolicy}; each setter checks its value at once. */
    public static final class Builder {
        private int maxAttempts = 5;
        private Duration initialBackoff = Duration.ofMillis(100);
        private Duration maxBackoff = Duration.ofSeconds(5);
        private double backoffMultiplier = 2.0;
        private final java.util.ArrayList<Class<? extends Throwable>> terminal = new java.util.ArrayList<>();

        private Builder() {}

        /** @param attempts how many times the body runs at most, at least 1 */
        public Builder maxAttempts(int attempts) {
            if (attempts < 1) {
                throw new IllegalArgumentException("maximum attempts must be at least 1: " + attempts);
            }
            this.maxAttempts = attempts;
            return this;
        }

        /** @param backoff the wait after the first failed attempt, not negative */
        public Builder initialBackoff(Duration backoff) {
            this.initialBackoff = nonNegative("initial backoff", backoff);
            return this;
        }

        /** @param backoff the longest wait between two attempts, not negative */
        public Builder maxBackoff(Duration backoff) {
            this.maxBackoff = nonNegative("maximum backoff", backoff);
            return this;
        }

        /** @param multiplier how much the wait grows after each failed attempt, at least 1 */
        public Builder backoffMultiplier(double multiplier) {
            if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
                throw new IllegalArgumentException("backoff multiplier must be at least 1: " + multiplier);
            }
            this.backoffMultiplier = multiplier;
            return this;
        }

        /** Adds exception types that end the effect at once (a declined card, a validation error). */
        @SafeVarargs
        public final Builder terminal(Class<? extends Throwable>... types) {
            for (Class<? extends Throwable> type : types) {
                terminal.add(Objects.requireNonNull(type, "terminal type"));
            }
            return this;
        }

        public RetryPolicy build() {
            return new RetryPolicy(this);
        }

        private static Duration nonNegative(String what, Duration value) {
            Objects.requireNonNull(value, what);
            if (value.isNegative()) {
                throw new IllegalArgumentException(what + " must not be negative: " + value);
            }
            return value;
        }
    }
}
