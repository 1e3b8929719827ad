package dev.mu2sls.store;

/** A transaction lost a conflict with a concurrent one and applied nothing; retry it. */
public final class StoreConflictException extends RuntimeException {
    public StoreConflictException(String message) {
        super(message);
    }

    public StoreConflictException(String message, Throwable cause) {
        super(message, cause);
    }
}
