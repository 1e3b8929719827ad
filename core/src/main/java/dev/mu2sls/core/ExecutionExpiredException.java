package dev.mu2sls.core;

import dev.mu2sls.Mu2slsException;
import java.time.Instant;

/**
 * An execution outlived its deadline and stopped without persisting (docs/guarantees.md, A6): it
 * may have been a zombie that stalled past the response retention, whose records may be gone.
 * Retryable: the platform delivers the request again, and the new execution starts afresh from
 * what the store holds.
 */
public final class ExecutionExpiredException extends Mu2slsException {
    private final String requestId;

    public ExecutionExpiredException(String requestId, long deadlineMillis) {
        super("an execution of request " + requestId + " passed its deadline (" + Instant.ofEpochMilli(deadlineMillis)
                + ", store clock) and stopped without persisting; deliver the request again");
        this.requestId = requestId;
    }

    public String requestId() {
        return requestId;
    }

    @Override
    public boolean isRetryable() {
        return true;
    }
}
