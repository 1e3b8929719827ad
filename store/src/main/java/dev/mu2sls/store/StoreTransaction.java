package dev.mu2sls.store;

import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * One serializable transaction. Reads see the transaction's own writes. Nothing is visible to
 * others before {@link #commit()}.
 */
public interface StoreTransaction extends AutoCloseable {

    byte[] get(byte[] key);

    /**
     * Whether {@code key} still holds {@code expected} (null: absent), as a read of this
     * transaction: it commits only if that is still so at its commit point. A store whose commit
     * validates reads anyway may answer {@code true} without reading, on a first attempt; if the
     * expectation was wrong the commit is refused with {@link StoreConflictException}, and the
     * retry reads for real and answers {@code false}.
     */
    default boolean holds(byte[] key, byte[] expected) {
        return Arrays.equals(get(key), expected);
    }

    /**
     * Whether the value of {@code key} (null: absent) satisfies {@code condition}, as a read of
     * this transaction: it commits only if that is still so at its commit point. For a check whose
     * answer is known though the value is not (a record that exists with any value, or is in one
     * of several states). Like {@link #holds}, a store whose commit validates reads anyway may
     * answer {@code true} without reading, on a first attempt: then the condition is evaluated at
     * the commit point on the key's value and, if false (or if it throws), the commit is refused
     * with {@link StoreConflictException} and the retry reads for real. Other stores read the key,
     * so a commit may be refused if its value changed at all. The condition must be pure.
     */
    default boolean satisfies(byte[] key, Predicate<byte[]> condition) {
        return condition.test(get(key));
    }

    /** Entries in {@code [fromInclusive, toExclusive)}, ascending, merged with this transaction's writes. */
    List<KeyValue> scan(byte[] fromInclusive, byte[] toExclusive, int limit);

    /**
     * Whether the entries of {@code [fromInclusive, toExclusive)} (merged with this transaction's
     * writes) are exactly {@code expected}, as a read of this transaction: it commits only if that
     * is still so at its commit point. For a caller that knows what a range most likely holds. Like
     * {@link #holds}, a store whose commit validates reads anyway may answer {@code true} without
     * reading, on a first attempt; if the expectation was wrong the commit is refused with
     * {@link StoreConflictException}, and the retry reads for real and answers {@code false}.
     */
    default boolean rangeHolds(byte[] fromInclusive, byte[] toExclusive, List<KeyValue> expected) {
        return Keys.sameEntries(scan(fromInclusive, toExclusive, Integer.MAX_VALUE), expected);
    }

    void put(byte[] key, byte[] value);

    void delete(byte[] key);

    /**
     * Writes {@code key}, which must not exist: the commit fails with {@link StoreConflictException}
     * if it does (now or when the transaction commits). Cheaper than reading a missing key first on
     * stores whose serializable isolation locks the gap a missing key leaves.
     */
    default void insert(byte[] key, byte[] value) {
        if (get(key) != null) {
            throw new StoreConflictException("key to insert already exists");
        }
        put(key, value);
    }

    /**
     * Makes the commit conditional on {@code condition}, which the store evaluates at its commit
     * point, after every commit ordered before this one: under the commit lock of an embedded
     * store, once the batch's database snapshot is taken on PostgreSQL. When it is false nothing
     * is applied and the commit fails with {@link StoreConflictException}, so the retry runs the
     * body again. For conditions on time, such as an execution's deadline: checked in the body
     * alone, a pause between the check and the commit would let a late commit through. Several
     * conditions must all hold.
     */
    void commitOnlyIf(BooleanSupplier condition);

    /**
     * Applies all writes atomically if every read is still current.
     *
     * @throws StoreConflictException if a concurrent commit invalidated a read; nothing was applied
     */
    void commit();

    /** Discards the transaction; idempotent, and a no-op after commit. */
    void rollback();

    /** Same as {@link #rollback()}, so that try-with-resources never leaks an open transaction. */
    @Override
    default void close() {
        rollback();
    }
}
