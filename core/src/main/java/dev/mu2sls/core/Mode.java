package dev.mu2sls.core;

/** What the engine guarantees; the benchmark configurations of DESIGN §8. */
public enum Mode {
    /** Journal, dedupe and fencing: G1 and G3. */
    EXACTLY_ONCE,
    /**
     * No journal and no dedupe: each operation goes straight to the store. The baseline that
     * shows what exactly-once costs, and what goes wrong without it.
     */
    UNSAFE
}
