package dev.mu2sls.store;

import java.time.InstantSource;
import java.util.List;

/**
 * A {@link Store} that forwards every call to another, for wrappers that change one behaviour
 * (a fault that loses commit replies, a pause before a commit) and must pass the rest through,
 * including what a backend does better than the interface's defaults ({@link #getAll},
 * {@link #holdCommits}). Its transactions are {@link ForwardingStoreTransaction}s.
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
    public StoreTransaction begin() {
        return delegate.begin();
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
