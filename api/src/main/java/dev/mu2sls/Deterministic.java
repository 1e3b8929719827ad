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
    /**
     * What {@link #version} returns to a request whose journal was recorded by code that did not
     * make that call yet: the behaviour before the change.
     */
    public static final int DEFAULT_VERSION = -1;

    private static final int MAX_CHANGE_ID = 200;

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

    /**
     * Patches a handler in place while requests it started are in flight (like Temporal's
     * {@code getVersion}): which version of the change {@code changeId} this request runs.
     *
     * <ul>
     *   <li>A request that reaches this call for the first time gets {@code maxSupported}, and
     *       the choice is journaled as a step.
     *   <li>A re-execution of a request whose journal has that step gets the recorded version.
     *   <li>A re-execution of a request recorded by code before the change (its journal has
     *       another step here) gets {@link #DEFAULT_VERSION}; the call takes no step, so the
     *       old journal replays on the new code.
     * </ul>
     *
     * Within one execution every call with the same {@code changeId} returns the first answer.
     * Keep each branch until no request that takes it can be in flight.
     *
     * <pre>{@code
     * if (Deterministic.version("add-fraud-check", 1) >= 1) {
     *     fraud.check(order);
     * }
     * }</pre>
     *
     * <h2>Errors</h2>
     * A re-execution whose journal recorded a version above {@code maxSupported} (the change was
     * rolled back) diverges: the request is quarantined with a {@code NondeterminismException}
     * report and listed by {@code requests list --stuck}.
     *
     * @throws IllegalArgumentException if {@code changeId} is blank or longer than 200 characters,
     *     or {@code maxSupported} is negative
     */
    public static int version(String changeId, int maxSupported) {
        if (changeId == null || changeId.isBlank() || changeId.length() > MAX_CHANGE_ID) {
            throw new IllegalArgumentException(
                    "a change id must be 1 to " + MAX_CHANGE_ID + " characters, not blank: " + changeId);
        }
        if (maxSupported <= DEFAULT_VERSION) {
            throw new IllegalArgumentException(
                    "maxSupported must be above DEFAULT_VERSION (" + DEFAULT_VERSION + "): " + maxSupported);
        }
        return Contexts.current().version(changeId, maxSupported);
    }
}
