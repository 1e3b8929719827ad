package dev.mu2sls.core;

/**
 * How the engine reaches other services: the platform's side of a call. The engine does no I/O
 * of its own; the simulator, HTTP and Lambda platforms each implement this.
 *
 * <p>Contract: return the callee's recorded {@link Response}, retrying deliveries that crashed
 * or timed out with the same {@link Invocation#requestId()} (the callee deduplicates). Throw
 * only for failures that retrying cannot fix ({@link dev.mu2sls.InvalidRequestException},
 * {@link dev.mu2sls.NondeterminismException}). Anything else it throws is taken for no answer:
 * the calling execution stops as in a crash, recording nothing, and its own caller retries it.
 */
@FunctionalInterface
public interface CallTransport {
    Response call(Invocation invocation);
}
