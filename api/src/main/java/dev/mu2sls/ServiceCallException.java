package dev.mu2sls;

/**
 * A called service method threw. The failure is part of the callee's exactly-once outcome: a
 * re-execution of the caller receives the same exception again.
 */
public final class ServiceCallException extends RecordedFailureException {
    private final String service;
    private final String method;

    public ServiceCallException(String service, String method, String errorType, String errorMessage) {
        super(service + "." + method, errorType, errorMessage);
        this.service = service;
        this.method = method;
    }

    /** The called service. */
    public String service() {
        return service;
    }

    /** The called method. */
    public String method() {
        return method;
    }
}
