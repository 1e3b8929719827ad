package dev.mu2sls.core;

import java.nio.ByteBuffer;

/**
 * A transaction's status record {@code T<txId>}: pending since a time (written by the first
 * participant that persists into it), then committed or aborted, with why.
 */
record TxStatus(State state, long atMillis) {

    enum State {
        PENDING,
        COMMITTED,
        /** The coordinator aborted (or a commit found a conflict). */
        ABORTED,
        /** A participant aborted: the coordinator's commit fails with TransactionAbortedException. */
        ABORTED_BY_PARTICIPANT,
        /** Abandoned: pending past its lease; the coordinator's commit is a conflict and retries. */
        EXPIRED;

        private static final State[] VALUES = values();

        boolean ended() {
            return this != PENDING;
        }
    }

    static TxStatus decode(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        return new TxStatus(State.VALUES[in.get()], in.getLong());
    }

    byte[] encode() {
        return ByteBuffer.allocate(9).put((byte) state.ordinal()).putLong(atMillis).array();
    }
}
