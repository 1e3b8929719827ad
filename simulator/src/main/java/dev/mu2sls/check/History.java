package dev.mu2sls.check;

import dev.mu2sls.core.Response;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What clients saw: for each client request its id, target, arguments, when it was invoked and
 * when it returned (on one logical clock), and its outcome. The input of {@link HistoryChecker}
 * and of {@link Invariant}s. Record on any platform: call {@link #invoke} just before sending a
 * request and {@link Call#returned} (or {@link Call#failed}) just after its answer arrives, or
 * wrap a client in a {@link RecordingClient}.
 *
 * <h2>Real time</h2>
 * The clock is a counter ticked by every invoke and every return, so "A returned before B was
 * invoked" in this history means it happened so in real time, which is all a linearizability
 * check needs. Requests whose windows overlap may take effect in either order.
 *
 * <h2>Thread safety</h2>
 * Safe for any number of clients recording concurrently. {@link #operations()} is a snapshot.
 */
public final class History {
    private final AtomicLong clock = new AtomicLong();
    private final List<Call> calls = new ArrayList<>();
    private final List<Operation> imported = new ArrayList<>();

    /** An empty history to record into. */
    public History() {}

    /** A history of operations recorded elsewhere (for example read from a log). */
    public static History of(Collection<Operation> operations) {
        History history = new History();
        long last = 0;
        for (Operation operation : operations) {
            history.imported.add(Objects.requireNonNull(operation, "operation"));
            last = Math.max(
                    last,
                    Math.max(
                            operation.invokedAt(),
                            operation.returnedAt() == Operation.NEVER
                                    ? operation.invokedAt()
                                    : operation.returnedAt()));
        }
        history.clock.set(last + 1);
        return history;
    }

    /**
     * Records that a client is about to send a request; report what came back on the returned
     * {@link Call}. A call never reported stays pending: its outcome is unknown.
     *
     * @param jsonArguments the arguments as sent (a JSON array, as call-by-name takes them)
     */
    public Call invoke(String requestId, String service, String method, String jsonArguments) {
        Call call = new Call(
                Objects.requireNonNull(requestId, "requestId"),
                Objects.requireNonNull(service, "service"),
                Objects.requireNonNull(method, "method"),
                Objects.requireNonNull(jsonArguments, "jsonArguments"),
                clock.incrementAndGet());
        synchronized (calls) {
            calls.add(call);
        }
        return call;
    }

    /** Every operation so far, ordered by invocation; calls still in flight as {@link Outcome.Unknown}. */
    public List<Operation> operations() {
        List<Operation> operations = new ArrayList<>(imported);
        synchronized (calls) {
            for (Call call : calls) {
                operations.add(call.operation());
            }
        }
        operations.sort(Comparator.comparingLong(Operation::invokedAt));
        return List.copyOf(operations);
    }

    /** How many operations were recorded. */
    public int size() {
        synchronized (calls) {
            return calls.size() + imported.size();
        }
    }

    /** What a client learned of its request. */
    public sealed interface Outcome {
        /** The request returned this response (a value, or the application's exception). */
        record Returned(Response response) implements Outcome {
            public Returned {
                Objects.requireNonNull(response, "response");
            }
        }

        /**
         * The client never learned the outcome: the request is still in flight, timed out, or the
         * client call threw (a transport error, or a platform exception such as invalid input).
         * It may have taken effect once, or not at all.
         */
        record Unknown(String reason) implements Outcome {}
    }

    /**
     * One client request as seen by its client.
     *
     * @param id the request id (idempotency key)
     * @param service target service
     * @param method target method
     * @param arguments JSON array of the arguments
     * @param invokedAt logical time the request was sent
     * @param returnedAt logical time the answer arrived, or {@link #NEVER}
     * @param outcome the response, or unknown
     */
    public record Operation(
            String id,
            String service,
            String method,
            String arguments,
            long invokedAt,
            long returnedAt,
            Outcome outcome) {
        /** {@link #returnedAt} of a request that never returned. */
        public static final long NEVER = Long.MAX_VALUE;

        public Operation {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(service, "service");
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(arguments, "arguments");
            Objects.requireNonNull(outcome, "outcome");
            if (returnedAt <= invokedAt) {
                throw new IllegalArgumentException("operation " + id + " returned at " + returnedAt
                        + ", not after it was invoked at " + invokedAt);
            }
        }

        /** The response, or null when the outcome is unknown. */
        public Response response() {
            return outcome instanceof Outcome.Returned returned ? returned.response() : null;
        }

        /** Whether the client got a response. */
        public boolean returned() {
            return outcome instanceof Outcome.Returned;
        }

        /** {@code id: Service.method(args)}, for reports. */
        public String describe() {
            return id + ": " + service + "." + method + arguments;
        }
    }

    /** A request in flight. Report its outcome once; later reports are ignored. */
    public final class Call {
        private final String id;
        private final String service;
        private final String method;
        private final String arguments;
        private final long invokedAt;
        private long returnedAt = Operation.NEVER;
        private Outcome outcome;

        private Call(String id, String service, String method, String arguments, long invokedAt) {
            this.id = id;
            this.service = service;
            this.method = method;
            this.arguments = arguments;
            this.invokedAt = invokedAt;
        }

        /** The request returned {@code response}. */
        public void returned(Response response) {
            end(new Outcome.Returned(response));
        }

        /** The client call threw: the outcome is unknown (the request may or may not have taken effect). */
        public void failed(Throwable failure) {
            end(new Outcome.Unknown("client call threw " + failure));
        }

        private synchronized void end(Outcome result) {
            if (outcome == null) {
                returnedAt = clock.incrementAndGet();
                outcome = result;
            }
        }

        private synchronized Operation operation() {
            return new Operation(
                    id,
                    service,
                    method,
                    arguments,
                    invokedAt,
                    returnedAt,
                    outcome != null ? outcome : new Outcome.Unknown("never returned"));
        }
    }
}
