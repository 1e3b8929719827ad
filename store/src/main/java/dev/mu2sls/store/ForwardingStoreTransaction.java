package dev.mu2sls.store;

import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * A {@link StoreTransaction} that forwards every call to another, for the transactions of a
 * {@link ForwardingStore}: a subclass overrides what it changes. Expectations and conditions
 * ({@link #holds}, {@link #satisfies}, {@link #commitOnlyIf}) are forwarded too, so the backend
 * still checks them at its commit point.
 */
public abstract class ForwardingStoreTransaction implements StoreTransaction {
    private final StoreTransaction delegate;

    protected ForwardingStoreTransaction(StoreTransaction delegate) {
        this.delegate = delegate;
    }

    @Override
    public byte[] get(byte[] key) {
        return delegate.get(key);
    }

    @Override
    public boolean holds(byte[] key, byte[] expected) {
        return delegate.holds(key, expected);
    }

    @Override
    public boolean satisfies(byte[] key, Predicate<byte[]> condition) {
        return delegate.satisfies(key, condition);
    }

    @Override
    public List<KeyValue> scan(byte[] fromInclusive, byte[] toExclusive, int limit) {
        return delegate.scan(fromInclusive, toExclusive, limit);
    }

    @Override
    public boolean rangeHolds(byte[] fromInclusive, byte[] toExclusive, List<KeyValue> expected) {
        return delegate.rangeHolds(fromInclusive, toExclusive, expected);
    }

    @Override
    public void put(byte[] key, byte[] value) {
        delegate.put(key, value);
    }

    @Override
    public void delete(byte[] key) {
        delegate.delete(key);
    }

    @Override
    public void insert(byte[] key, byte[] value) {
        delegate.insert(key, value);
    }

    @Override
    public void commitOnlyIf(BooleanSupplier condition) {
        delegate.commitOnlyIf(condition);
    }

    @Override
    public void commit() {
        delegate.commit();
    }

    @Override
    public void rollback() {
        delegate.rollback();
    }
}
