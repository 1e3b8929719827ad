package dev.mu2sls;

/**
 * An effect's body failed for good: it threw an exception of a terminal type, or it kept failing
 * until its {@link RetryPolicy} ran out of attempts. The failure is journaled like a result, so
 * every re-execution of the handler gets this exception again at the same step, and the body
 * never runs again. Catch it to compensate, or let it fail the request.
 */
public final class EffectFailedException extends RecordedFailureException {
    private final String effect;

    public EffectFailedException(String effect, String errorType, String errorMessage) {
        super("effect '" + effect + "'", errorType, errorMessage);
        this.effect = effect;
    }

    /** The effect's name, as given to {@link Effects#run}. */
    public String effect() {
        return effect;
    }
}
