package dev.mu2sls.store.postgres;

import dev.mu2sls.store.KeyValue;
import dev.mu2sls.store.Keys;
import dev.mu2sls.store.OptimisticTransaction;
import dev.mu2sls.store.WriteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * An optimistic transaction: reads go to committed data one statement at a time and are
 * remembered with the values they returned; writes are buffered; {@link #commit()} hands the
 * whole to the store's {@link BatchCommitter}, which checks that every read is still current and
 * applies the writes, together with other transactions' in one database transaction.
 *
 * <p>A key read twice returns what it returned the first time (its writes excepted), so the body
 * sees one consistent value per key. Different keys may come from different moments; the commit
 * rejects any transaction whose reads did not all hold at once.
 */
final class PostgresTransaction extends OptimisticTransaction {
    private final PostgresStore store;
    private final boolean trustExpectations;
    /** The first value read of each key; a null value records that the key was absent. */
    final TreeMap<byte[], byte[]> reads = new TreeMap<>(Keys.ORDER);

    /** Conditions taken on trust ({@link #satisfies}), for the commit to evaluate on the keys' values then. */
    final TreeMap<byte[], Predicate<byte[]>> conditions = new TreeMap<>(Keys.ORDER);

    final List<ScanRead> scans = new ArrayList<>(0);
    /** The buffered writes, for the {@link BatchCommitter} to check and apply. */
    final WriteBuffer writes = writes();
    /** Whether a read was taken on trust ({@link #holds}, {@link #satisfies}): it was never current, so the commit must check it. */
    private boolean trusted;

    /** A range read to validate at commit: the committed entries it returned for {@code fetchLimit}. */
    record ScanRead(byte[] from, byte[] to, int fetchLimit, List<KeyValue> committed) {}

    PostgresTransaction(PostgresStore store, boolean trustExpectations) {
        this.store = store;
        this.trustExpectations = trustExpectations;
    }

    @Override
    protected byte[] readCommitted(byte[] key) {
        if (reads.containsKey(key)) {
            return reads.get(key);
        }
        byte[] value = store.readCommitted(key);
        reads.put(key, value);
        return value;
    }

    /**
     * On a first attempt, the expectation joins the reads without a round trip: the batch checks it
     * with the others, and refuses the transaction if it is wrong.
     */
    @Override
    public boolean holds(byte[] key, byte[] expected) {
        checkActive();
        if (!trustExpectations || writes.contains(key) || reads.containsKey(key)) {
            return Arrays.equals(get(key), expected);
        }
        reads.put(key, expected);
        trusted = true;
        return true;
    }

    /** On a first attempt, as {@link #holds}: the batch evaluates the condition on the key's value. */
    @Override
    public boolean satisfies(byte[] key, Predicate<byte[]> condition) {
        checkActive();
        if (!trustExpectations || writes.contains(key) || reads.containsKey(key)) {
            return condition.test(get(key));
        }
        conditions.merge(key, condition, Predicate::and);
        trusted = true;
        return true;
    }

    /** On a first attempt, as {@link #holds}: the batch reads the range and compares. */
    @Override
    public boolean rangeHolds(byte[] fromInclusive, byte[] toExclusive, List<KeyValue> expected) {
        checkActive();
        if (!trustExpectations || writes.extraFetch(fromInclusive, toExclusive) > 0) {
            return super.rangeHolds(fromInclusive, toExclusive, expected);
        }
        scans.add(new ScanRead(fromInclusive, toExclusive, Integer.MAX_VALUE, List.copyOf(expected)));
        trusted = true;
        return true;
    }

    @Override
    protected List<KeyValue> scanCommitted(byte[] from, byte[] to, int fetchLimit) {
        List<KeyValue> committed = store.scanCommitted(from, to, fetchLimit);
        scans.add(new ScanRead(from, to, fetchLimit, committed));
        return committed;
    }

    /** Checked at commit, with the other reads: the key must still be absent then. */
    @Override
    public void insert(byte[] key, byte[] value) {
        checkActive();
        writes.insert(key, value);
    }

    /** {@link #commitConditionHolds()}, for the committer, which asks once the batch's snapshot is taken. */
    boolean commitConditionHoldsNow() {
        return commitConditionHolds();
    }

    /** Whether the commit has to read anything to validate this transaction. */
    boolean needsValidation() {
        int readsThatHoldAlone = writes.isEmpty() && !trusted ? 1 : 0; // one read alone is current when made
        return !scans.isEmpty() || !conditions.isEmpty() || writes.hasInserts() || reads.size() > readsThatHoldAlone;
    }

    @Override
    protected void validateAndApply() {
        if (!needsValidation() && writes.isEmpty()) {
            store.countCommit();
            return;
        }
        store.committer().commit(this);
    }
}
