package dev.mu2sls.core;

import java.nio.ByteBuffer;

/**
 * A transaction's status record {@code T<txId>}: pending since a time (written by the first
 * participant that persists into it), then committed or aborted, with why.
 *
 * <p>Format 1: {@code V1 state:code at:long}. Format 0: {@code state:ordinal at:long}, with the
 * same numbers.
 */
record TxStatus(State state, long atMillis) {

    enum State {
        PENDING(0),
        COMMITTED(1),
        /** The coordinator aborted (or a commit found a conflict). */
        ABORTED(2),
        /** A participant aborted: the coordinator's commit fails with TransactionAbortedException. */
        ABORTED_BY_PARTICIPANT(3),
        /** Abandoned: pending past its lease; the coordinator's commit is a conflict and retries. */
        EXPIRED(4);

        final byte code;

        State(int code) {
            this.code = (byte) code;
        }

        static State of(byte code) {
            for (State state : values()) {
                if (state.code == code) {
                    return state;
                }
            }
            throw new IllegalArgumentException("unknown transaction state code " + code);
        }

        boolean ended() {
            return this != PENDING;
        }
    }

    static TxStatus decode(byte[] key, byte[] bytes) {
        return bytes == null ? null : StoredFormat.decode("transaction status", key, bytes, TxStatus::decodeBytes);
    }

    private static TxStatus decodeBytes(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        if (StoredFormat.isV1(bytes)) {
            in.get();
        }
        return new TxStatus(State.of(in.get()), in.getLong());
    }

    byte[] encode() {
        return ByteBuffer.allocate(10)
                .put(StoredFormat.V1)
                .put(state.code)
                .putLong(atMillis)
                .array();
    }
}
