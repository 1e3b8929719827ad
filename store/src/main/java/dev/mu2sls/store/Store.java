package dev.mu2sls.store;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * An ordered byte-key store with serializable multi-key transactions: the one thing the engine
 * needs from a database (DESIGN §6). Keys compare as unsigned bytes.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>{@link #get} outside a transaction reads the latest committed value of one key.
 *       {@link #scan} outside a transaction returns committed entries but is not a snapshot: it
 *       may see a concurrent commit's writes in part. Read in a transaction for consistency.
 *   <li>Transactions are serializable: a committed transaction's reads (point and range) were
 *       all still current at its commit point. A conflicting commit throws
 *       {@link StoreConflictException} and applies nothing.
 *   <li>{@link #run} is the retry loop: <em>the body may run more than once; it must have no
 *       effects outside the transaction</em> (FoundationDB's {@code run} contract).
 * </ul>
 *
 * <h2>Thread safety</h2>
 * Stores are safe for concurrent use; a {@link StoreTransaction} belongs to one thread.
 */
public interface Store extends AutoCloseable {

    /** The committed value of {@code key}, or {@code null}. */
    byte[] get(byte[] key);

    /**
     * The committed values of {@code keys}, in their order (null: absent). One round trip where the
     * store is remote (one statement on PostgreSQL); the values need not come from one moment.
     */
    default List<byte[]> getAll(List<byte[]> keys) {
        List<byte[]> values = new ArrayList<>(keys.size());
        for (byte[] key : keys) {
            values.add(get(key));
        }
        return values;
    }

    /**
     * Committed entries with {@code fromInclusive <= key < toExclusive}, ascending, at most
     * {@code limit}.
     */
    List<KeyValue> scan(byte[] fromInclusive, byte[] toExclusive, int limit);

    /** Starts an explicit transaction; the caller must commit or roll it back. */
    StoreTransaction begin();

    /**
     * Runs {@code body} in a transaction and commits it, re-running the body on conflicts with
     * a short randomized backoff.
     *
     * @throws StoreConflictException if the body kept conflicting for the store's retry budget
     */
    default <T> T run(TransactionBody<T> body) {
        return run(body, UnaryOperator.identity());
    }

    /**
     * {@link #run(TransactionBody)} with every attempt's transaction passed through {@code decorate}
     * before the body uses it and the loop commits it. A wrapper that changes what transactions do
     * (a fault that loses commit replies) keeps the backend's own retry loop this way, and with it
     * what that loop does better than the default: PostgreSQL takes a first attempt's expectations
     * on trust and escalates a starving transaction ({@link ForwardingStore#decorate}).
     */
    default <T> T run(TransactionBody<T> body, UnaryOperator<StoreTransaction> decorate) {
        return Retries.run(attempt -> decorate.apply(begin()), body, Retries.MAX_ATTEMPTS);
    }

    /**
     * Holds back every commit through this store object by other threads until the returned hold
     * is released; the calling thread's own transactions commit at once. For a reader that keeps
     * losing to short writers between its reads and its commit: held, its reads can be overtaken
     * only by other processes. The holder must not wait for another thread's commit (a call,
     * say) before releasing. Stores that cannot hold commits return {@link CommitHold#NONE}.
     */
    default CommitHold holdCommits() {
        return CommitHold.NONE;
    }

    /**
     * The store's clock: the time every process sharing this store agrees on, for deadlines,
     * retention and leases (an engine that reads one clock and a sweep that reads another could
     * disagree by their skew). Embedded stores, used by one process, use the system clock.
     */
    default InstantSource clock() {
        return InstantSource.system();
    }

    /** Operation counters since the store was opened. */
    StoreStats stats();

    /** Releases resources; later calls fail with {@link IllegalStateException}. */
    @Override
    void close();
}
