package dev.mu2sls.core;

/** What the engine guarantees; the benchmark configurations of DESIGN §8. */
public enum Mode {
    /** Journal, dedupe, fencing and transactions: G1, G2 and G3. The default. */
    FULL,
    /**
     * Journal, dedupe and fencing (G1, G3), but transactions are off: {@code Transaction} calls
     * succeed without isolation, and abort cannot undo. The baseline that shows what transactions cost.
     */
    EXACTLY_ONCE,
    /**
     * No journal and no dedupe: each operation goes straight to the store. The baseline that
     * shows what exactly-once costs, and what goes wrong without it.
     */
    UNSAFE
}
