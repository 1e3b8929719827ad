package dev.mu2sls.observability;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/** The {@code mu2sls_*} meters as a few readable lines: what {@code demo} and {@code bench} print. */
final class MetricsSummary {
    private MetricsSummary() {}

    static String of(MeterRegistry registry) {
        Map<String, Double> totals = new TreeMap<>();
        StringBuilder requests = new StringBuilder();
        for (Meter meter : registry.getMeters()) {
            String name = meter.getId().getName();
            if (!name.startsWith("mu2sls.")) {
                continue;
            }
            switch (meter) {
                case Timer timer
                when name.equals("mu2sls.request.duration") && timer.count() > 0 ->
                    requests.append(String.format(
                            "  %-28s %-8s %,10d requests  mean %8.3f ms  max %8.3f ms%n",
                            meter.getId().getTag("service") + "."
                                    + meter.getId().getTag("method"),
                            meter.getId().getTag("outcome"),
                            timer.count(),
                            timer.mean(TimeUnit.MILLISECONDS),
                            timer.max(TimeUnit.MILLISECONDS)));
                case Timer timer
                when name.equals("mu2sls.store.commit.duration") -> {
                    totals.merge("store commit time (ms)", timer.totalTime(TimeUnit.MILLISECONDS), Double::sum);
                    totals.merge("store commits timed", (double) timer.count(), Double::sum);
                }
                case Counter counter -> totals.merge(name, counter.count(), Double::sum);
                case FunctionCounter counter -> totals.merge(name, counter.count(), Double::sum);
                case Gauge gauge -> totals.merge(name, gauge.value(), Double::sum);
                default -> {}
            }
        }
        StringBuilder out = new StringBuilder("metrics (mu2sls_* meters of this process):\n").append(requests);
        double commits = totals.getOrDefault("store commits timed", 0.0);
        if (commits > 0) {
            out.append(String.format(
                    "  store commits %,.0f, mean %.3f ms%n", commits, totals.get("store commit time (ms)") / commits));
        }
        StringBuilder counters = new StringBuilder();
        totals.forEach((name, value) -> {
            if (name.startsWith("mu2sls.") && !name.equals("mu2sls.requests") && !name.equals("mu2sls.store.commits")) {
                counters.append(counters.isEmpty() ? "  " : ", ")
                        .append(name.substring("mu2sls.".length()).replace('.', '_'))
                        .append(' ')
                        .append(String.format("%,.0f", value));
            }
        });
        return out.append(counters).append('\n').toString();
    }
}
