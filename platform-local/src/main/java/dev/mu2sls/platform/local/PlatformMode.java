package dev.mu2sls.platform.local;

import dev.mu2sls.core.Mode;

/**
 * The modes an application runs in on a platform ({@code up --mode}): {@code full} or
 * {@code exactly-once}. Not {@code unsafe}, whose retries are not deduplicated.
 */
public enum PlatformMode {
    /** Journal and transactions. */
    FULL("full", Mode.FULL),
    /** Journal only: transactions run without isolation. */
    EXACTLY_ONCE("exactly-once", Mode.EXACTLY_ONCE);

    private final String label;
    private final Mode mode;

    PlatformMode(String label, Mode mode) {
        this.label = label;
        this.mode = mode;
    }

    /** How the command line and the platform's state file name it. */
    public String label() {
        return label;
    }

    /** The engine mode of every process. */
    public Mode mode() {
        return mode;
    }

    /**
     * The mode labelled {@code label} (case-insensitive).
     *
     * @throws IllegalArgumentException naming the modes a platform runs in
     */
    public static PlatformMode parse(String label) {
        for (PlatformMode mode : values()) {
            if (mode.label.equalsIgnoreCase(label)) {
                return mode;
            }
        }
        throw new IllegalArgumentException(
                "unknown mode '" + label + "'; a platform runs in mode full (journal and transactions) "
                        + "or exactly-once (journal, transactions off)");
    }
}
