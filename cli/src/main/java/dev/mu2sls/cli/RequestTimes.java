package dev.mu2sls.cli;

import dev.mu2sls.core.Inspector.Request;
import java.util.Locale;

/** How the admin commands print a request's times and deliveries. */
final class RequestTimes {
    private RequestTimes() {}

    /** {@code millis} for reading: {@code 35 ms}, {@code 2.5 s}, {@code 3 min 20 s}, {@code 2 h 5 min}. */
    static String duration(long millis) {
        if (millis < 1_000) {
            return millis + " ms";
        }
        if (millis < 60_000) {
            return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
        }
        long seconds = millis / 1000;
        if (seconds < 3600) {
            return seconds / 60 + " min " + seconds % 60 + " s";
        }
        return seconds / 3600 + " h " + seconds % 3600 / 60 + " min";
    }

    static String deliveries(int deliveries) {
        return deliveries + (deliveries == 1 ? " delivery" : " deliveries");
    }

    /**
     * A call's times and deliveries on one line of the calls tree, each part followed by two
     * spaces: {@code started <t>  took 3 ms  1 delivery  }; empty when its record keeps none.
     */
    static String brief(Request call) {
        StringBuilder out = new StringBuilder();
        if (call.startedAt() != null) {
            out.append("started ").append(call.startedAt()).append("  ");
        }
        if (call.elapsedMillis() != null) {
            out.append(call.endedAt() == null ? "running for " : "took ")
                    .append(duration(call.elapsedMillis()))
                    .append("  ");
        } else if (call.endedAt() != null) {
            out.append("ended ").append(call.endedAt()).append("  ");
        }
        if (call.deliveries() > 0) {
            out.append(deliveries(call.deliveries())).append("  ");
        }
        return out.toString();
    }
}
