package dev.mu2sls.cli;

import dev.mu2sls.core.Mode;
import java.util.List;

/** The benchmark configurations of DESIGN §8. */
enum BenchConfig {
    /** One request at a time through the full stack: the paper's baseline. */
    SEQUENTIAL("sequential", Mode.FULL, true),
    /** No journal, no transactions. */
    UNSAFE("unsafe", Mode.UNSAFE, false),
    /** Journal only: transactions run without isolation. */
    EXACTLY_ONCE("exactly-once", Mode.EXACTLY_ONCE, false),
    /** Journal and transactions. */
    FULL("full", Mode.FULL, false);

    final String label;
    final Mode mode;
    final boolean oneAtATime;

    BenchConfig(String label, Mode mode, boolean oneAtATime) {
        this.label = label;
        this.mode = mode;
        this.oneAtATime = oneAtATime;
    }

    static BenchConfig parse(String label) {
        for (BenchConfig config : values()) {
            if (config.label.equalsIgnoreCase(label)) {
                return config;
            }
        }
        throw new IllegalArgumentException("unknown config '" + label + "'; available: "
                + List.of(values()).stream().map(c -> c.label).toList());
    }
}
