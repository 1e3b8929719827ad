package dev.mu2sls;

import dev.mu2sls.spi.Contexts;

/**
 * What a service method may know about the request it runs for.
 *
 * <pre>{@code
 * log.info("order {} placed by request {}", orderId, RequestContext.requestId());
 * }</pre>
 */
public final class RequestContext {
    private RequestContext() {}

    /**
     * The id of the request this execution runs: the client's request id (over HTTP,
     * {@code Service.method:<Idempotency-Key>}), or for a call made by another service,
     * {@code <caller's id>/<step>}. The same on every re-execution, so it may go into logs and
     * serve as (part of) an idempotency key for an external system; inside an effect, prefer
     * {@link Effects#idempotencyKey()}, which is unique per effect.
     *
     * @throws IllegalStateException outside a service execution
     */
    public static String requestId() {
        return Contexts.current().requestId();
    }
}
