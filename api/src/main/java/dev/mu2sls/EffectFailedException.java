package dev.mu2sls;

/**
 * An effect's body failed for good: it threw an exception of a terminal type, or it kept failing
 * until its {@link RetryPolicy} ran out of attempts. The failure is journaled like a result, so
 * every re-execution of the handler gets this exception again at the same step, and the body
 * never runs again. Catch it to compensate, or let it fail the request.
 */
public final class EffectFailedException extends Mu2slsException {
    private final String effect;
    private final String errorType;
    private final String errorMessage;

    public EffectFailedException(String effect, String errorType, String errorMessage) {
        super("effect '" + effect + "' failed with " + errorType + (errorMessage == null ? "" : ": " + errorMessage));
        this.effect = effect;
        this.errorType = errorType;
        this.errorMessage = errorMessage;
    }

    /** The effect's name, as given to {@link Effects#run}. */
    public String effect() {
        return effect;
    }

    /** Fully qualified class name of the exception the body threw last. */
    public String errorType() {
        return errorType;
    }

    /** That exception's message, or {@code null}. */
    public String errorMessage() {
        return errorMessage;
    }

    @Override
    public boolean isRetryable() {
        return false;
    }
}
