package dev.mu2sls;

/**
 * A re-execution attempted a different operation than the journal recorded at the same step
 * (G3). The request is stopped, not silently continued; fix the handler so that it depends only
 * on its arguments, persistent state, call results and {@link Deterministic} values.
 */
public final class NondeterminismException extends Mu2slsException {
    private final String requestId;
    private final String service;
    private final String method;
    private final int step;
    private final String expected;
    private final String actual;

    public NondeterminismException(
            String requestId, String service, String method, int step, String expected, String actual) {
        super("request " + requestId + " (" + service + "." + method + ") step " + step
                + " diverged on replay: the journal has " + expected + ", this execution attempted "
                + actual + "; service code must be deterministic (use Deterministic.uuid(), "
                + "Deterministic.now() and Deterministic.random() for nondeterministic values)");
        this.requestId = requestId;
        this.service = service;
        this.method = method;
        this.step = step;
        this.expected = expected;
        this.actual = actual;
    }

    public String requestId() {
        return requestId;
    }

    public String service() {
        return service;
    }

    public String method() {
        return method;
    }

    public int step() {
        return step;
    }

    /** The operation the journal recorded at {@link #step()}. */
    public String expected() {
        return expected;
    }

    /** The operation this execution attempted at {@link #step()}. */
    public String actual() {
        return actual;
    }

    @Override
    public boolean isRetryable() {
        return false;
    }
}
