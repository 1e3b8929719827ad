package dev.mu2sls.core;

import java.util.Arrays;
import java.util.Objects;

/**
 * One journaled step of a request execution.
 *
 * @param step position in the execution, from 0
 * @param op what the step did
 * @param target the fingerprint's operand: a state key, a called method, or awaited steps
 * @param value the recorded result (read value, call response, drawn value), or null
 */
public record JournalEntry(int step, Op op, byte[] target, byte[] value) {

    /**
     * For a step on persistent state ({@link Op#GET}, {@link Op#CONTAINS}, {@link Op#PUT},
     * {@link Op#REMOVE}): its key as {@link Inspector#dumpState()} renders it,
     * {@code Service.state["key"]}; otherwise null.
     */
    public String stateKey() {
        return switch (op) {
            case GET, CONTAINS, PUT, REMOVE -> KeySpace.describeState(target);
            default -> null;
        };
    }

    /**
     * Whether this step ended a transaction ({@link Op#TX_COMMIT} or {@link Op#TX_ABORT}) in a
     * conflict: nothing was applied, and {@code Transaction.run} runs the body again from the
     * next steps. The target is the transaction id, {@code requestId/beginStep}.
     */
    public boolean conflicted() {
        return (op == Op.TX_COMMIT || op == Op.TX_ABORT)
                && value != null
                && value.length == 1
                && TxOutcome.of(value[0]) == TxOutcome.CONFLICT;
    }

    /**
     * Operation kinds, each stored as its explicit {@link #code} (the same numbers format 0 stored
     * as ordinals): reordering or inserting constants changes nothing stored; a new kind takes the
     * next free code.
     */
    public enum Op {
        GET(0),
        CONTAINS(1),
        PUT(2),
        REMOVE(3),
        SCAN(4),
        CALL(5),
        ASYNC_CALL(6),
        AWAIT(7),
        AWAIT_ANY(8),
        UUID(9),
        NOW(10),
        RANDOM(11),
        TX_BEGIN(12),
        TX_COMMIT(13),
        TX_ABORT(14),
        /** A journaled side effect ({@code Effects.run}): the target is its name, the value its outcome as a {@link Response}. */
        EFFECT(15),
        /** A one-way send; the target is the called method, the value the send's due time (see {@link SendSteps}). */
        SEND(16),
        /** {@code Deterministic.sleep}; the value is the due time on the store clock (see {@link SendSteps}). */
        SLEEP(17),
        /**
         * {@code Deterministic.version}: the target is the change id, the value the version (an
         * int) this request runs (see {@link VersionSteps}).
         */
        VERSION(18);

        private static final Op[] BY_CODE = new Op[19];

        static {
            for (Op op : values()) {
                BY_CODE[op.code] = op;
            }
        }

        final byte code;

        Op(int code) {
            this.code = (byte) code;
        }

        static Op of(byte code) {
            if (code < 0 || code >= BY_CODE.length || BY_CODE[code] == null) {
                throw new IllegalArgumentException("unknown journal operation code " + code);
            }
            return BY_CODE[code];
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

        /**
         * Whether the step draws a nondeterministic value (which a spec replay must be given): an
         * effect's outcome is one, as the spec never runs its body, and so is a version, which
         * depends on the code that first ran the step.
         */
        public boolean isChoice() {
            return this == UUID
                    || this == NOW
                    || this == RANDOM
                    || this == AWAIT_ANY
                    || this == EFFECT
                    || this == VERSION;
        }
    }

    /** Equal when step, operation and the bytes of target and value are. */
    @Override
    public boolean equals(Object other) {
        return other instanceof JournalEntry that
                && step == that.step
                && op == that.op
                && Arrays.equals(target, that.target)
                && Arrays.equals(value, that.value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(step, op, Arrays.hashCode(target), Arrays.hashCode(value));
    }

    /** The step and operation, the lengths of target and value. */
    @Override
    public String toString() {
        return "JournalEntry[step " + step + " " + op + ", target "
                + (target == null ? "none" : target.length + " bytes") + ", value "
                + (value == null ? "none" : value.length + " bytes") + "]";
    }
}
