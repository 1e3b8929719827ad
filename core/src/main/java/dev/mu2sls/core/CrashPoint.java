package dev.mu2sls.core;

/**
 * Named places in the engine where a fault plan may crash or stall an execution (DESIGN §5).
 * They live in production code and cost one predictable branch without a fault plan.
 */
public enum CrashPoint {
    /** At the start of each journaled step, before the operation runs. */
    STEP,
    /** Before a store transaction that persists buffered effects and journal entries. */
    BEFORE_STORE_COMMIT,
    /** After that transaction committed, before the execution goes on. */
    AFTER_STORE_COMMIT,
    /** Before a call to another service is sent. */
    BEFORE_CALL,
    /** After a call's reply arrived, before it is journaled. */
    AFTER_CALL_REPLY,
    /** Before the transaction that records the response. */
    BEFORE_COMPLETE,
    /** After the response was recorded, before it is returned to the platform. */
    AFTER_COMPLETE
}
