package dev.mu2sls.store;

import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The optimistic transaction every backend runs: reads go to committed data and are recorded
 * (the read set), writes are buffered in a {@link WriteBuffer} that reads see merged over
 * committed data, and {@link #commit()} hands both to the backend, which validates the read set
 * and applies the writes atomically. A backend supplies only what differs: how a read is taken
 * and recorded ({@link #readCommitted}, {@link #scanCommitted}) and its commit
 * ({@link #validateAndApply}: validation under a commit lock, a batch, a WAL sync). The retry
 * loop around it is {@link Store#run} ({@link Retries}).
 *
 * <h2>Thread safety</h2>
 * A transaction belongs to one thread.
 */
public abstract class OptimisticTransaction implements StoreTransaction {
    private final WriteBuffer writes = new WriteBuffer();
    private boolean finished;
    private BooleanSupplier commitCondition;

    protected OptimisticTransaction() {}

    /** This transaction's writes, for {@link #validateAndApply} to apply. */
    protected final WriteBuffer writes() {
        return writes;
    }

    /** The committed value of {@code key} (null: absent), recorded in the read set for validation. */
    protected abstract byte[] readCommitted(byte[] key);

    /**
     * Up to {@code fetchLimit} committed entries of {@code [from, to)}, ascending, recorded in the
     * read set for validation.
     */
    protected abstract List<KeyValue> scanCommitted(byte[] from, byte[] to, int fetchLimit);

    /**
     * Validates the read set and applies {@link #writes()} atomically; called once.
     *
     * @throws StoreConflictException if a concurrent commit invalidated a read; nothing was applied
     */
    protected abstract void validateAndApply();

    @Override
    public final byte[] get(byte[] key) {
        checkActive();
        return writes.contains(key) ? writes.get(key) : readCommitted(key);
    }

    @Override
    public final List<KeyValue> scan(byte[] fromInclusive, byte[] toExclusive, int limit) {
        checkActive();
        if (limit <= 0) {
            throw new IllegalArgumentException("scan limit must be positive: " + limit);
        }
        // own writes in range may delete committed entries: fetch enough that `limit` remain after merging
        int fetch = limit == Integer.MAX_VALUE ? limit : limit + writes.extraFetch(fromInclusive, toExclusive);
        return writes.merge(scanCommitted(fromInclusive, toExclusive, fetch), fromInclusive, toExclusive, limit);
    }

    @Override
    public final void put(byte[] key, byte[] value) {
        checkActive();
        writes.put(key, value);
    }

    @Override
    public final void delete(byte[] key) {
        checkActive();
        writes.delete(key);
    }

    @Override
    public final void commit() {
        checkActive();
        finished = true;
        validateAndApply();
    }

    @Override
    public final void commitOnlyIf(BooleanSupplier condition) {
        checkActive();
        BooleanSupplier earlier = commitCondition;
        commitCondition = earlier == null ? condition : () -> earlier.getAsBoolean() && condition.getAsBoolean();
    }

    /** Whether the conditions of {@link #commitOnlyIf} hold: asked by {@link #validateAndApply} at the commit point. */
    protected final boolean commitConditionHolds() {
        return commitCondition == null || commitCondition.getAsBoolean();
    }

    @Override
    public final void rollback() {
        finished = true;
    }

    /** Fails once the transaction committed or rolled back. */
    protected final void checkActive() {
        if (finished) {
            throw new IllegalStateException("transaction already committed or rolled back");
        }
    }
}
