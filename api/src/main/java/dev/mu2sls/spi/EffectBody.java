package dev.mu2sls.spi;

/**
 * An effect's body as a runtime runs it: {@link dev.mu2sls.Effects} wraps the user's body so
 * that {@code Effects.idempotencyKey()} answers {@code idempotencyKey} while it runs.
 */
@FunctionalInterface
public interface EffectBody {
    /** Runs the body once; the runtime retries it by its policy. */
    Object run(String idempotencyKey) throws Exception;
}
