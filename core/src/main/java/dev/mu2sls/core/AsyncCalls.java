package dev.mu2sls.core;

import dev.mu2sls.spi.MethodRef;
import dev.mu2sls.spi.PendingCall;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * The asynchronous calls in flight for one delivery of a request, by the step that issued them.
 * Survives re-runs of the handler within the delivery, so a replay reuses a call already in
 * flight instead of sending it again; a call not found here is (re)sent when awaited, with the
 * same derived id, which the callee deduplicates.
 */
final class AsyncCalls {
    private final Map<Integer, CompletableFuture<Response>> inFlight = new ConcurrentHashMap<>();
    private final CallTransport transport;
    private final Executor executor;

    AsyncCalls(CallTransport transport, Executor executor) {
        this.transport = transport;
        this.executor = executor;
    }

    CompletableFuture<Response> start(Handle call) {
        return inFlight.computeIfAbsent(
                call.step, step -> CompletableFuture.supplyAsync(() -> transport.call(call.invocation), executor));
    }

    /** A call issued at {@code step}; what {@link dev.mu2sls.DurableFuture} wraps. */
    final class Handle implements PendingCall {
        final int step;
        final MethodRef method;
        final Invocation invocation;

        Handle(int step, MethodRef method, Invocation invocation) {
            this.step = step;
            this.method = method;
            this.invocation = invocation;
        }

        AsyncCalls owner() {
            return AsyncCalls.this;
        }

        @Override
        public MethodRef method() {
            return method;
        }
    }
}
