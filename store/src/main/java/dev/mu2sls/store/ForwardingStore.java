package dev.mu2sls.store;

import java.time.InstantSource;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A {@link Store} that forwards every call to another, for wrappers that change one behaviour
 * (a fault that loses commit replies, a pause before a commit) and must pass the rest through,
 * including what a backend does better than the interface's defaults ({@link #getAll},
 * {@link #holdCommits}, its own retry loop in {@link #run}). A wrapper changes transactions by
 * overriding {@link #decorate}, which both {@link #begin} and the delegate's {@link #run} apply,
 * typically returning a {@link ForwardingStoreTransaction}.
 */
public abstract class ForwardingStore implements Store {
    private final Store delegate;

    protected ForwardingStore(Store delegate) {
        this.delegate = delegate;
    }

    /** The store every call goes to. */
    protected final Store delegate() {
        return delegate;
    }

    @Override
    public byte[] get(byte[] key) {
        return delegate.get(key);
    }

    @Override
    public List<byte[]> getAll(List<byte[]> keys) {
        return delegate.getAll(keys);
    }

    @Override
    public List<KeyValue> scan(byte[] fromInclusive, byte[] toExclusive, int limit) {
        return delegate.scan(fromInclusive, toExclusive, limit);
    }

    @Override
    public final StoreTransaction begin() {
        return decorate(delegate.begin());
    }

    /** The delegate's retry loop, its attempts' transactions decorated by this store, then by {@code decorate}. */
    @Override
    public <T> T run(TransactionBody<T> body, UnaryOperator<StoreTransaction> decorate) {
        return delegate.run(body, transaction -> decorate.apply(decorate(transaction)));
    }

    /**
     * What this store makes of each transaction of its delegate, whether begun explicitly or by
     * the delegate's retry loop: the transaction itself unless overridden.
     */
    protected StoreTransaction decorate(StoreTransaction transaction) {
        return transaction;
    }

    @Override
    public CommitHold holdCommits() {
        return delegate.holdCommits();
    }

    @Override
    public InstantSource clock() {
        return delegate.clock();
    }

    @Override
    public StoreStats stats() {
        return delegate.stats();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
