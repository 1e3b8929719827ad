package dev.mu2sls.core;

/**
 * How ending a transaction turned out; journaled with the commit or abort step as its explicit
 * {@link #code} (the numbers format 0 stored as ordinals).
 */
enum TxOutcome {
    COMMITTED(0),
    /** Aborted as asked, with its reads still current. */
    ABORTED(1),
    /** A read was stale at the end (or the lease expired): nothing applied; run again. */
    CONFLICT(2),
    /** A participant had aborted it: nothing applied. */
    ABORTED_BY_PARTICIPANT(3);

    final byte code;

    TxOutcome(int code) {
        this.code = (byte) code;
    }

    static TxOutcome of(byte code) {
        for (TxOutcome outcome : values()) {
            if (outcome.code == code) {
                return outcome;
            }
        }
        throw new IllegalArgumentException("unknown transaction outcome code " + code);
    }

    /** The journal value of a commit or abort step that ended this way. */
    byte[] journalValue() {
        return new byte[] {code};
    }
}
