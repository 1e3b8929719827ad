package dev.mu2sls.cli;

import dev.mu2sls.core.Mode;
import java.util.List;

/** The benchmark configurations of DESIGN §8 that exist so far. */
enum BenchConfig {
    SEQUENTIAL("sequential", Mode.EXACTLY_ONCE, true),
    UNSAFE("unsafe", Mode.UNSAFE, false),
    EXACTLY_ONCE("exactly-once", Mode.EXACTLY_ONCE, false);

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
