package dev.mu2sls;

/**
 * A failure that is part of a request's exactly-once outcome, recorded once and raised again at
 * the same step of every re-execution: a called method that threw ({@link ServiceCallException})
 * or an effect that failed for good ({@link EffectFailedException}). Running it again gives the
 * same failure, so it is never retryable; catch it to compensate.
 */
public abstract sealed class RecordedFailureException extends Mu2slsException
        permits ServiceCallException, EffectFailedException {
    private final String errorType;
    private final String errorMessage;

    RecordedFailureException(String what, String errorType, String errorMessage) {
        super(what + " failed with " + errorType + (errorMessage == null ? "" : ": " + errorMessage));
        this.errorType = errorType;
        this.errorMessage = errorMessage;
    }

    /** Fully qualified class name of the exception that was thrown (by the callee, or by the effect's body last). */
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
