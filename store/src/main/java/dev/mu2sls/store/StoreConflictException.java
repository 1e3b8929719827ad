package dev.mu2sls.store;

/**
 * A transaction lost a conflict with a concurrent one and applied nothing; retry it.
 *
 * <p>Conflicts are control flow for retry loops, so one made with a message alone records no
 * stack trace (filling it in cost 1% of the CPU of a contended workload). The exception a retry
 * loop throws when it gives up is made with its last conflict as the cause, and has one.
 */
public final class StoreConflictException extends RuntimeException {
    public StoreConflictException(String message) {
        super(message, null, false, false);
    }

    public StoreConflictException(String message, Throwable cause) {
        super(message, cause);
    }
}
