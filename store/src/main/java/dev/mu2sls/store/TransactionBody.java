package dev.mu2sls.store;

/**
 * The body of {@link Store#run}. It may run more than once; it must have no effects outside
 * the transaction.
 */
@FunctionalInterface
public interface TransactionBody<T> {
    T apply(StoreTransaction tx);
}
