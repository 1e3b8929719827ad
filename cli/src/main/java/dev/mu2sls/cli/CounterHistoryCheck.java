package dev.mu2sls.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a counter history (W1, W2) against the spec exactly. With positive deltas, the responses
 * on one key must be the prefix sums of its requests in one serial order, which sorting by
 * response reveals; that order must respect real time (a request that ended before another
 * started comes first), and the final value must be the last sum. Any double-applied, lost or
 * inconsistent effect breaks one of these.
 */
final class CounterHistoryCheck {
    private CounterHistoryCheck() {}

    /** Human-readable anomalies; empty when the history is explained by the spec. */
    static List<String> check(List<LoadRunner.Completed> history, Map<String, Long> finalValues) {
        List<String> anomalies = new ArrayList<>();
        Map<String, List<LoadRunner.Completed>> byKey = new HashMap<>();
        for (LoadRunner.Completed completed : history) {
            if (!completed.response().ok()) {
                anomalies.add(completed.id() + " failed: " + completed.response());
                continue;
            }
            byKey.computeIfAbsent(completed.request().key(), k -> new ArrayList<>())
                    .add(completed);
        }
        for (Map.Entry<String, List<LoadRunner.Completed>> entry : byKey.entrySet()) {
            List<LoadRunner.Completed> ops = entry.getValue();
            ops.sort(Comparator.comparingLong(CounterHistoryCheck::value));
            long sum = 0;
            long latestStart = Long.MIN_VALUE;
            String latestStarter = null;
            for (LoadRunner.Completed op : ops) {
                sum += op.request().delta();
                if (value(op) != sum) {
                    anomalies.add("key " + entry.getKey() + ": " + op.id() + " answered " + value(op)
                            + " but the serial order by response gives " + sum
                            + " (effect applied twice, lost, or answered inconsistently)");
                    sum = value(op);
                }
                if (op.endNanos() < latestStart) {
                    anomalies.add("key " + entry.getKey() + ": " + op.id() + " ended before " + latestStarter
                            + " started, yet is ordered after it (real-time order violated)");
                }
                if (op.startNanos() > latestStart) {
                    latestStart = op.startNanos();
                    latestStarter = op.id();
                }
            }
            long stored = finalValues.getOrDefault(entry.getKey(), 0L);
            if (stored != sum) {
                anomalies.add("key " + entry.getKey() + ": final value " + stored + " but the acknowledged adds sum to "
                        + sum);
            }
        }
        return anomalies;
    }

    private static long value(LoadRunner.Completed completed) {
        return Long.parseLong(new String(completed.response().value(), UTF_8));
    }
}
