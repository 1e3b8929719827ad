package dev.mu2sls.core;

/** How ending a transaction turned out; journaled with the commit or abort step. */
enum TxOutcome {
    COMMITTED,
    /** Aborted as asked, with its reads still current. */
    ABORTED,
    /** A read was stale at the end (or the lease expired): nothing applied; run again. */
    CONFLICT,
    /** A participant had aborted it: nothing applied. */
    ABORTED_BY_PARTICIPANT;

    private static final TxOutcome[] VALUES = values();

    static TxOutcome of(byte ordinal) {
        return VALUES[ordinal];
    }
}
