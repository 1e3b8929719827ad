package dev.mu2sls.check;

import dev.mu2sls.core.Response;
import dev.mu2sls.simulator.Simulator;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Client} that records every request it sends, and what came back, in a {@link History}.
 *
 * <pre>{@code
 * RecordedChoices choices = new RecordedChoices(seed);
 * try (Simulator simulator = Simulator.builder().services(services).faultPlan(plan).listener(choices).build()) {
 *     RecordingClient client = RecordingClient.of(simulator);
 *     ... client.call("Counter", "add", "[\"k\", 1]") from any number of threads ...
 *     simulator.awaitQuiescence(Duration.ofSeconds(30));
 *     HistoryChecker.Result result = HistoryChecker.builder(services).choices(choices).build()
 *             .check(client.history(), simulator.inspector().dumpState());
 * }
 * }</pre>
 *
 * <h2>Thread safety</h2>
 * Safe for concurrent use if the wrapped client is.
 */
public final class RecordingClient implements Client {
    private final Client delegate;
    private final History history;
    private final String idPrefix;
    private final AtomicLong ids = new AtomicLong();

    /**
     * @param delegate the client that sends requests
     * @param history where to record them
     * @param idPrefix prefix of the ids {@link #call(String, String, String)} makes up
     */
    public RecordingClient(Client delegate, History history, String idPrefix) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.history = Objects.requireNonNull(history, "history");
        this.idPrefix = Objects.requireNonNull(idPrefix, "idPrefix");
    }

    /** Records calls to {@code simulator} in a new history; made-up ids are {@code r1, r2, ...}. */
    public static RecordingClient of(Simulator simulator) {
        return new RecordingClient(simulator::call, new History(), "r");
    }

    /**
     * Sends a request and records it.
     *
     * @throws RuntimeException whatever the wrapped client throws; the request is then recorded
     *     with an unknown outcome
     */
    @Override
    public Response call(String requestId, String service, String method, String jsonArguments) {
        History.Call call = history.invoke(requestId, service, method, jsonArguments);
        try {
            Response response = delegate.call(requestId, service, method, jsonArguments);
            call.returned(response);
            return response;
        } catch (RuntimeException | Error failure) {
            call.failed(failure);
            throw failure;
        }
    }

    /** Sends a request under a fresh id ({@code idPrefix} and a counter) and records it. */
    public Response call(String service, String method, String jsonArguments) {
        return call(idPrefix + ids.incrementAndGet(), service, method, jsonArguments);
    }

    public History history() {
        return history;
    }
}
