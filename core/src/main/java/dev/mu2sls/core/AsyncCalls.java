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
    private final Map<Integer, InFlight> inFlight = new ConcurrentHashMap<>();
    private final CallTransport transport;
    private final Executor executor;

    AsyncCalls(CallTransport transport, Executor executor) {
        this.transport = transport;
        this.executor = executor;
    }

    /** The call in flight; one started by an earlier run in this delivery is reused. */
    InFlight start(Handle call) {
        return inFlight.computeIfAbsent(
                call.step,
                step -> new InFlight(
                        CompletableFuture.supplyAsync(
                                () -> call.inline == null
                                        ? transport.call(call.invocation)
                                        : ScopedValue.where(InlineParticipants.CURRENT, call.inline)
                                                .call(() -> transport.call(call.invocation)),
                                executor),
                        call.inline));
    }

    /**
     * A call in flight, and the coordinator's call its callee may complete inline under (null: none),
     * which may be an earlier run's.
     */
    record InFlight(CompletableFuture<Response> response, InlineParticipants.Call inline) {}

    /** A call issued at {@code step}; what {@link dev.mu2sls.DurableFuture} wraps. */
    final class Handle implements PendingCall {
        final int step;
        final MethodRef method;
        final Invocation invocation;
        /** Its callee may complete inline under it (null: not). */
        final InlineParticipants.Call inline;

        Handle(int step, MethodRef method, Invocation invocation, InlineParticipants.Call inline) {
            this.step = step;
            this.method = method;
            this.invocation = invocation;
            this.inline = inline;
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
