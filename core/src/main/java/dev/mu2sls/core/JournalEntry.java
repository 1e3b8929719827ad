package dev.mu2sls.core;

/**
 * One journaled step of a request execution.
 *
 * @param step position in the execution, from 0
 * @param op what the step did
 * @param target the fingerprint's operand: a state key, a called method, or awaited steps
 * @param value the recorded result (read value, call response, drawn value), or null
 */
public record JournalEntry(int step, Op op, byte[] target, byte[] value) {

    /** Operation kinds. Their order is part of the journal format; append only. */
    public enum Op {
        GET, CONTAINS, PUT, REMOVE, SCAN, CALL, ASYNC_CALL, AWAIT, AWAIT_ANY, UUID, NOW, RANDOM, TX_BEGIN, TX_COMMIT, TX_ABORT;

        private static final Op[] VALUES = values();

        static Op of(int ordinal) {
            return VALUES[ordinal];
        }

        /**
         * Whether a re-execution reproduces the step's result without its journal entry: calls and
         * awaits (the callee answers the same derived id with its recorded response) and begin (the
         * transaction id is derived from the step). Everything else must be persisted before an
         * effect leaves the execution.
         */
        public boolean isReproducible() {
            return this == CALL || this == ASYNC_CALL || this == AWAIT || this == TX_BEGIN;
        }

        /** Whether the step draws a nondeterministic value (which a spec replay must be given). */
        public boolean isChoice() {
            return this == UUID || this == NOW || this == RANDOM || this == AWAIT_ANY;
        }
    }
}
