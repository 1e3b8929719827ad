package dev.mu2sls.cli;

import dev.mu2sls.check.History;
import dev.mu2sls.check.Invariants;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * Invariant checks for workloads whose histories are too large to search (DESIGN §7): what must
 * hold of every response and of the final state if the run refines the spec. The state checks
 * are the library's ({@link Invariants}); the history checks read the load runner's records.
 */
final class InvariantChecks {
    private InvariantChecks() {}

    /** Anomalies of a run, by workload. */
    static List<String> check(Workload workload, List<LoadRunner.Completed> history, SortedMap<String, String> state) {
        List<String> anomalies = new ArrayList<>();
        for (LoadRunner.Completed completed : history) {
            if (!completed.response().ok()) {
                anomalies.add(completed.id() + " failed: " + completed.response());
            }
        }
        switch (workload) {
            case W1, W2, W3 -> anomalies.addAll(CounterHistoryCheck.check(history, counters(workload, state)));
            case W4 -> anomalies.addAll(media(history, state));
            case W5, W5_HOT -> anomalies.addAll(travel(state));
            case W6 -> anomalies.addAll(bank(history, state));
            case W7 -> anomalies.addAll(ShopChecks.check(state, Workload.SHOP_ITEMS, Workload.SHOP_STOCK));
        }
        return anomalies;
    }

    /** What {@link #check} checks of {@code workload}, for reports. */
    static String describe(Workload workload) {
        return switch (workload) {
            case W1, W2, W3 ->
                "each key's adds serialize in an order consistent with real time that explains every response and the final value";
            case W4 ->
                "every acknowledged review stored and listed once for its user and its movie, nothing else, no draft left";
            case W5, W5_HOT -> "no hotel or flight overbooked, committed reservations = placed orders";
            case W6 -> "every audit and the end state see the invariant total";
            case W7 -> ShopChecks.DESCRIPTION;
        };
    }

    private static Map<String, Long> counters(Workload workload, SortedMap<String, String> state) {
        String prefix = workload == Workload.W3 ? "Backend1.counts[\"" : "Counter.counts[\"";
        Map<String, Long> values = new HashMap<>();
        state.forEach((key, value) -> {
            if (key.startsWith(prefix)) {
                values.put(key.substring(prefix.length(), key.length() - 2), Long.parseLong(value));
            }
        });
        if (workload == Workload.W3) {
            state.forEach((key, value) -> {
                if (key.startsWith("Backend2.counts[\"")) {
                    String counter = key.substring("Backend2.counts[\"".length(), key.length() - 2);
                    values.merge(counter, Long.parseLong(value), Long::sum);
                }
            });
        }
        return values;
    }

    /** W5: no hotel or flight overbooked; committed reservations are exactly the placed orders. */
    static List<String> travel(SortedMap<String, String> state) {
        return Invariants.travel().violations(List.of(), state);
    }

    /** W4: {@link Invariants#media()} over the run's history. */
    static List<String> media(List<LoadRunner.Completed> history, SortedMap<String, String> state) {
        return Invariants.media().violations(operations(history), state);
    }

    /** W6: {@link Invariants#bank}: every audit saw the invariant total, and so does the end state. */
    static List<String> bank(List<LoadRunner.Completed> history, SortedMap<String, String> state) {
        return Invariants.bank(Workload.ACCOUNTS * Workload.INITIAL_BALANCE).violations(operations(history), state);
    }

    /** The load runner's completed requests as the checker library's history operations. */
    private static List<History.Operation> operations(List<LoadRunner.Completed> history) {
        List<History.Operation> operations = new ArrayList<>(history.size());
        for (LoadRunner.Completed completed : history) {
            operations.add(new History.Operation(
                    completed.id(),
                    completed.request().service(),
                    completed.request().method(),
                    completed.request().json(),
                    completed.startNanos(),
                    Math.max(completed.endNanos(), completed.startNanos() + 1),
                    new History.Outcome.Returned(completed.response())));
        }
        return operations;
    }
}
