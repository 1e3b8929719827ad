package dev.mu2sls;

/**
 * A called service method threw. The failure is part of the callee's exactly-once outcome: a
 * re-execution of the caller receives the same exception again.
 */
public final class ServiceCallException extends Mu2slsException {
    private final String service;
    private final String method;
    private final String errorType;
    private final String errorMessage;

    public ServiceCallException(String service, String method, String errorType, String errorMessage) {
        super(service + "." + method + " failed with " + errorType + (errorMessage == null ? "" : ": " + errorMessage));
        this.service = service;
        this.method = method;
        this.errorType = errorType;
        this.errorMessage = errorMessage;
    }

    /** The called service. */
    public String service() {
        return service;
    }

    /** The called method. */
    public String method() {
        return method;
    }

    /** Fully qualified class name of the exception the callee threw. */
    public String errorType() {
        return errorType;
    }

    /** The callee exception's message, or {@code null}. */
    public String errorMessage() {
        return errorMessage;
    }

    @Override
    public boolean isRetryable() {
        return false;
    }
}
