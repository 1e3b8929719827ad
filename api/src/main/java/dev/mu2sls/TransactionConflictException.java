package dev.mu2sls;

/**
 * A transaction could not commit because a concurrent commit changed data it read; nothing it
 * wrote was applied. Retryable: {@link Transaction#run} runs the body again.
 */
public final class TransactionConflictException extends Mu2slsException {
    private final String transactionId;

    public TransactionConflictException(String transactionId, String message) {
        super(message);
        this.transactionId = transactionId;
    }

    public String transactionId() {
        return transactionId;
    }

    @Override
    public boolean isRetryable() {
        return true;
    }
}
