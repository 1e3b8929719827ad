package dev.mu2sls.core;

import java.util.Objects;

/**
 * One delivery of a request to a service: what a platform hands the engine.
 *
 * @param requestId the client's idempotency key, or {@code parent/step} for a call made by
 *     another request; every delivery of the same request carries the same id
 * @param service routing name of the target service
 * @param method target method
 * @param arguments JSON array of the arguments
 * @param attempt the platform's delivery counter for this request, for fault plans and logs
 */
public record Invocation(String requestId, String service, String method, byte[] arguments, int attempt) {
    public Invocation {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(arguments, "arguments");
    }

    /** The same request, delivered again as attempt {@code attempt}. */
    public Invocation withAttempt(int attempt) {
        return new Invocation(requestId, service, method, arguments, attempt);
    }

    @Override
    public String toString() {
        return "Invocation[" + requestId + " " + service + "." + method + " attempt " + attempt + "]";
    }
}
