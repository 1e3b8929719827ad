package dev.mu2sls;

/**
 * Base of the exceptions the framework raises to service code and clients. All are unchecked;
 * {@link #isRetryable()} says whether running the same thing again may succeed.
 */
public abstract class Mu2slsException extends RuntimeException {
    protected Mu2slsException(String message) {
        super(message);
    }

    protected Mu2slsException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Whether the same request may succeed when run again (a conflict is; bad input is not). */
    public abstract boolean isRetryable();
}
