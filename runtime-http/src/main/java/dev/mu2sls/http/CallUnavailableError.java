package dev.mu2sls.http;

/**
 * A call to another service could not be delivered within the transport's deadline. An
 * {@code Error}, like the engine's own control flow, so that service code's
 * {@code catch (Exception e)} cannot record it as the call's outcome: the calling execution
 * stops unrecorded and its own caller retries it later with the same id.
 */
public final class CallUnavailableError extends Error {
    public CallUnavailableError(String message, Throwable cause) {
        super(message, cause);
    }
}
