package dev.mu2sls.core;

import dev.mu2sls.Mu2slsException;
import java.time.Instant;

/**
 * The request sleeps ({@code Deterministic.sleep}): its delivery ended without a response, its
 * timer is durable, and the engine's timer driver ({@link Engine#fireTimers()}) delivers it again
 * when due. Not a failure: a platform answers the client that the request is accepted and still
 * running (a client's retry with the same id gets the response once it completed), and a timer
 * driver that delivered it is done with the timer.
 */
public final class RequestSuspendedException extends Mu2slsException {
    private final String requestId;
    private final long dueMillis;

    public RequestSuspendedException(String requestId, long dueMillis) {
        super("request " + requestId + " sleeps until " + Instant.ofEpochMilli(dueMillis)
                + " (store clock); it is accepted and resumes then: retry with the same id for its response");
        this.requestId = requestId;
        this.dueMillis = dueMillis;
    }

    public String requestId() {
        return requestId;
    }

    /** When the request is due to resume, in store-clock milliseconds. */
    public long dueMillis() {
        return dueMillis;
    }

    @Override
    public boolean isRetryable() {
        return true;
    }
}
