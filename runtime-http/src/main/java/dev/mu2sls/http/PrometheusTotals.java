package dev.mu2sls.http;

import java.util.Map;
import java.util.TreeMap;

/**
 * Sums of Prometheus text samples by metric name, over every label set and every scraped process:
 * what the console shows of an application whose meters live in several processes.
 */
final class PrometheusTotals {
    private final Map<String, Double> totals = new TreeMap<>();
    /** Histogram buckets by metric name, then upper bound (cumulative counts, summed). */
    private final Map<String, Map<Double, Double>> buckets = new TreeMap<>();

    /** Adds every sample of one scrape. */
    void add(String scrape) {
        for (String line : scrape.split("\n")) {
            if (line.isEmpty() || line.charAt(0) == '#') {
                continue;
            }
            int space = line.lastIndexOf(' ');
            int brace = line.indexOf('{');
            if (space < 0) {
                continue;
            }
            String name = brace >= 0 && brace < space ? line.substring(0, brace) : line.substring(0, space);
            double value;
            try {
                value = Double.parseDouble(line.substring(space + 1));
            } catch (NumberFormatException notASample) {
                continue;
            }
            totals.merge(name, value, Double::sum);
            if (name.endsWith("_bucket") && brace >= 0) {
                double le = upperBound(line.substring(brace, space));
                buckets.computeIfAbsent(name.substring(0, name.length() - "_bucket".length()), k -> new TreeMap<>())
                        .merge(le, value, Double::sum);
            }
        }
    }

    /** The sum of every sample named {@code name}; 0 when none was scraped. */
    double total(String name) {
        return totals.getOrDefault(name, 0.0);
    }

    /** The cumulative bucket counts of histogram {@code name} by upper bound (+Inf last); empty when none. */
    Map<Double, Double> buckets(String name) {
        return buckets.getOrDefault(name, Map.of());
    }

    private static double upperBound(String labels) {
        int start = labels.indexOf("le=\"");
        if (start < 0) {
            return Double.POSITIVE_INFINITY;
        }
        String bound = labels.substring(start + 4, labels.indexOf('"', start + 4));
        return bound.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(bound);
    }
}
