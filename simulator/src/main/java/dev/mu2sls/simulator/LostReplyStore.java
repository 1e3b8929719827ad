package dev.mu2sls.simulator;

import dev.mu2sls.store.CommitHold;
import dev.mu2sls.store.KeyValue;
import dev.mu2sls.store.Store;
import dev.mu2sls.store.StoreConflictException;
import dev.mu2sls.store.StoreStats;
import dev.mu2sls.store.StoreTransaction;
import java.time.InstantSource;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * A store whose commits sometimes lose their reply: the commit is applied, and the engine is told
 * it conflicted, as when a database connection drops after the commit. The store's retry loop runs
 * the body again against the state the lost commit left, which is what the engine must recognise.
 */
final class LostReplyStore implements Store {
    private final Store delegate;
    private final BooleanSupplier loseReply;

    LostReplyStore(Store delegate, BooleanSupplier loseReply) {
        this.delegate = delegate;
        this.loseReply = loseReply;
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
        return new LosingTransaction(delegate.begin());
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

    private final class LosingTransaction implements StoreTransaction {
        private final StoreTransaction tx;

        LosingTransaction(StoreTransaction tx) {
            this.tx = tx;
        }

        @Override
        public byte[] get(byte[] key) {
            return tx.get(key);
        }

        @Override
        public boolean holds(byte[] key, byte[] expected) {
            return tx.holds(key, expected);
        }

        @Override
        public boolean satisfies(byte[] key, Predicate<byte[]> condition) {
            return tx.satisfies(key, condition);
        }

        @Override
        public List<KeyValue> scan(byte[] fromInclusive, byte[] toExclusive, int limit) {
            return tx.scan(fromInclusive, toExclusive, limit);
        }

        @Override
        public void put(byte[] key, byte[] value) {
            tx.put(key, value);
        }

        @Override
        public void delete(byte[] key) {
            tx.delete(key);
        }

        @Override
        public void insert(byte[] key, byte[] value) {
            tx.insert(key, value);
        }

        @Override
        public void commitOnlyIf(BooleanSupplier condition) {
            tx.commitOnlyIf(condition);
        }

        @Override
        public void commit() {
            tx.commit();
            if (loseReply.getAsBoolean()) {
                throw new StoreConflictException("simulated: the commit was applied but its reply was lost");
            }
        }

        @Override
        public void rollback() {
            tx.rollback();
        }
    }
}
