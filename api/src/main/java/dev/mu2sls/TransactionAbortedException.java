package dev.mu2sls;

/**
 * A transaction was aborted by one of its participants (or abandoned past its lease) before
 * the coordinator committed it; nothing it wrote was applied. Not retryable as such: the abort
 * was a decision.
 */
public final class TransactionAbortedException extends Mu2slsException {
    private final String transactionId;

    public TransactionAbortedException(String transactionId, String message) {
        super(message);
        this.transactionId = transactionId;
    }

    public String transactionId() {
        return transactionId;
    }

    @Override
    public boolean isRetryable() {
        return false;
    }
}
