package dev.mu2sls;

import dev.mu2sls.spi.Contexts;
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
     * A random generator seeded from one journaled value: everything drawn from it is the same
     * on every execution. Use it for all the random numbers of one step; it is not thread safe.
     */
    public static RandomGenerator random() {
        return new SplittableRandom(Contexts.current().randomSeed());
    }
}
