package dev.mu2sls;

import dev.mu2sls.spi.Contexts;
import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.random.RandomGenerator;

/**
 * Nondeterministic values that stay the same when a request is re-executed.
 *
 * <p>Each call is one journaled step: the first execution draws a fresh value and records it
 * with the request's next durable effect; a re-execution gets the recorded value back (G3).
 * Service code must use these instead of the JDK's sources, which the annotation processor
 * rejects in services.
 *
 * <pre>{@code
 * // bad: a re-execution creates a second order with another id
 * String id = UUID.randomUUID().toString();
 * // good
 * String id = Deterministic.uuid().toString();
 * }</pre>
 */
public final class Deterministic {
    private Deterministic() {}

    /** A random (version 4) UUID, the same on every execution of this step. */
    public static UUID uuid() {
        return Contexts.current().uuid();
    }

    /** The wall-clock time when this step first ran. */
    public static Instant now() {
        return Contexts.current().now();
    }

    /** Milliseconds since the epoch when this step first ran; replaces {@code System.currentTimeMillis()}. */
    public static long currentTimeMillis() {
        return now().toEpochMilli();
    }

    /**
     * Sleeps durably: the request resumes after {@code duration} on the store clock, even across
     * crashes, and holds no thread, instance or transaction while it waits (its delivery ends and
     * a timer delivers it again; the replay passes this step). The duration is measured from the
     * first execution of this step, so a re-execution does not sleep again.
     *
     * <h2>Errors</h2>
     * Only a client request or a one-way send may sleep, outside transactions: a method called
     * synchronously or asynchronously by another request throws {@link IllegalStateException}
     * (its caller waits for it; sleep in the caller, or send it one-way), as does a sleep inside an
     * open transaction.
     *
     * <pre>{@code
     * // bad: holds a thread and an instance, and a crash forgets how long was left
     * Thread.sleep(Duration.ofMinutes(30));
     * // good
     * Deterministic.sleep(Duration.ofMinutes(30));
     * }</pre>
     *
     * @throws IllegalArgumentException if {@code duration} is negative
     */
    public static void sleep(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("sleep duration must not be negative: " + duration);
        }
        Contexts.current().sleep(duration);
    }

    /**
     * A random generator seeded from one journaled value: everything drawn from it is the same
     * on every execution. Use it for all the random numbers of one step; it is not thread safe.
     */
    public static RandomGenerator random() {
        return new SplittableRandom(Contexts.current().randomSeed());
    }
}
