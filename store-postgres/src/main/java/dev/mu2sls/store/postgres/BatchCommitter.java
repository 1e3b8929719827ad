package dev.mu2sls.store.postgres;

import com.zaxxer.hikari.HikariDataSource;
import dev.mu2sls.store.CommitHold;
import dev.mu2sls.store.KeyValue;
import dev.mu2sls.store.Keys;
import dev.mu2sls.store.StoreConflictException;
import dev.mu2sls.store.WriteBuffer;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Commits optimistic transactions in batches: one thread takes every transaction waiting to
 * commit and decides them in one SERIALIZABLE database transaction of two or three round trips.
 * <ol>
 *   <li>One {@code SELECT} of every key the batch read or inserts, and one of every range it read
 *       (ranges without an upper bound each alone), give the committed state.
 *   <li>The transactions are taken in arrival order: one whose reads all match the committed
 *       state, overlaid with the writes of those accepted before it, is accepted and its writes
 *       join the overlay; any other is refused with {@link StoreConflictException}.
 *   <li>The overlay is written and the database transaction committed in one round trip.
 * </ol>
 * The accepted transactions are serializable in that order, at the database transaction's commit:
 * SERIALIZABLE isolation makes the check and the writes atomic against every other process's
 * batches; when the database aborts a batch (SQLSTATE 40001/40P01) it is decided again from the
 * start. When a statement fails on the data of one transaction (a key too large for the index,
 * say), the batch is decided again one transaction at a time, in the same order, so that the one
 * that caused it fails alone and the others commit. A batch costs the database one commit (one WAL flush) however many transactions it holds,
 * which is where the throughput comes from: a request's commit no longer costs a transaction of
 * its own. The thread is a platform thread because it blocks in socket reads for most of its time.
 */
final class BatchCommitter implements AutoCloseable {
    /** Enough to fill the database's work per round trip; a larger batch only adds latency. */
    private static final int MAX_BATCH = 256;

    private static final int BATCH_ATTEMPTS = 5;
    private final KvTable table;
    private final HikariDataSource pool;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    /** Held while a batch is decided, and by a thread running a transaction {@link #exclusively}. */
    private final ReentrantLock deciding = new ReentrantLock();

    private final Thread thread;
    private final LongAdder batches = new LongAdder();
    private final LongAdder committed = new LongAdder();
    private final LongAdder refused = new LongAdder();
    /** Transactions between {@link #commit} and their outcome. */
    private final AtomicInteger committing = new AtomicInteger();

    private volatile boolean closed;

    /** A transaction waiting for its batch; the outcome is null once committed, else the failure. */
    private record Pending(PostgresTransaction tx, CompletableFuture<RuntimeException> outcome) {}

    BatchCommitter(KvTable table, HikariDataSource pool) {
        this.table = table;
        this.pool = pool;
        this.thread = Thread.ofPlatform()
                .daemon()
                .name("mu2sls-postgres-committer-" + table.name())
                .start(this::loop);
    }

    /**
     * Commits {@code tx} with the next batch.
     *
     * @throws StoreConflictException if a read no longer holds, or an inserted key exists
     * @throws IllegalStateException if the database failed or the store closed; the outcome is
     *         unknown only if the connection broke while the batch's COMMIT was under way
     */
    void commit(PostgresTransaction tx) {
        Pending pending = new Pending(tx, new CompletableFuture<>());
        if (closed) {
            throw new IllegalStateException("store is closed");
        }
        RuntimeException failure;
        committing.incrementAndGet();
        try {
            if (deciding.isHeldByCurrentThread()) {
                decide(List.of(pending)); // running exclusively: decided alone, here
            } else {
                queue.add(pending);
                if (closed) {
                    failAll(List.of(pending), new IllegalStateException("store is closed"));
                }
            }
            failure = pending.outcome.join();
        } finally {
            committing.decrementAndGet();
        }
        // Thrown anew in the committing thread: the failure itself may be shared by a whole batch.
        if (failure instanceof StoreConflictException conflict) {
            throw new StoreConflictException(conflict.getMessage(), conflict);
        }
        if (failure != null) {
            throw new IllegalStateException(failure.getMessage(), failure);
        }
    }

    /**
     * Runs {@code attempt} while no other transaction of this store commits: its commit is decided
     * alone as soon as it is made, and batches wait. For a transaction that lost to concurrent
     * commits too often (a long read of a range that short writers keep changing): its reads can
     * now only be overtaken by other processes.
     */
    <T> T exclusively(Supplier<T> attempt) {
        CommitHold hold = hold();
        try {
            return attempt.get();
        } finally {
            hold.release();
        }
    }

    /** Batches wait until the hold is released; the holder's own commits are decided at once. */
    CommitHold hold() {
        return CommitHold.of(deciding);
    }

    /** Transactions waiting for their batch's outcome now. */
    int committing() {
        return committing.get();
    }

    /** Database transactions that committed batches. */
    long batches() {
        return batches.sum();
    }

    long committed() {
        return committed.sum();
    }

    long refused() {
        return refused.sum();
    }

    private void loop() {
        List<Pending> batch = new ArrayList<>(MAX_BATCH);
        while (!closed) {
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                deciding.lock();
                try {
                    queue.drainTo(batch, MAX_BATCH - 1);
                    decide(batch);
                } finally {
                    deciding.unlock();
                }
            } catch (InterruptedException e) {
                break;
            } catch (RuntimeException | Error e) {
                failAll(batch, new IllegalStateException("PostgreSQL batch commit failed: " + e, e));
            } finally {
                batch.clear();
            }
        }
        List<Pending> left = new ArrayList<>();
        queue.drainTo(left);
        failAll(left, new IllegalStateException("store is closed"));
    }

    private void decide(List<Pending> batch) {
        SQLException last = null;
        for (int attempt = 0; attempt < BATCH_ATTEMPTS; attempt++) {
            if (attempt > 0) {
                backoff(attempt);
            }
            try (Connection connection = pool.getConnection()) {
                boolean[] accepted;
                try {
                    accepted = validateAndWrite(connection, batch);
                } catch (SQLException e) {
                    rollbackQuietly(connection);
                    throw e;
                }
                settle(batch, accepted);
                return;
            } catch (SQLException e) {
                if (batch.size() > 1 && causedByData(e)) {
                    for (Pending pending : batch) {
                        decide(List.of(pending));
                    }
                    return;
                }
                if (!PostgresStore.isConflict(e)) {
                    failAll(
                            batch,
                            new IllegalStateException(
                                    "PostgreSQL commit failed at " + pool.getJdbcUrl() + ": " + e.getMessage(), e));
                    return;
                }
                last = e;
            }
        }
        StoreConflictException conflict = new StoreConflictException(
                "PostgreSQL aborted the commit batch " + BATCH_ATTEMPTS + " times (SQLSTATE " + last.getSQLState()
                        + ")",
                last);
        refused.add(batch.size());
        failAll(batch, conflict);
    }

    /**
     * Whether the database refused a statement for the data in it (SQLSTATE classes 22 data
     * exception, 23 integrity violation, 54 program limit exceeded, as an index row too large):
     * raised before COMMIT, so nothing of the batch was written, and deciding its transactions
     * alone finds the one at fault. A broken connection (08) is never one.
     */
    private static boolean causedByData(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("22") || state.startsWith("23") || state.startsWith("54"));
    }

    private boolean[] validateAndWrite(Connection connection, List<Pending> batch) throws SQLException {
        TreeMap<byte[], byte[]> stored = table.selectAll(connection, keysToCheck(batch));
        IdentityHashMap<PostgresTransaction.ScanRead, List<KeyValue>> scanned = rangesToCheck(connection, batch);
        WriteBuffer overlay = new WriteBuffer();
        boolean[] accepted = new boolean[batch.size()];
        for (int i = 0; i < batch.size(); i++) {
            PostgresTransaction tx = batch.get(i).tx;
            accepted[i] = readsHold(tx, stored, scanned, overlay);
            if (accepted[i]) {
                tx.writes.forEach((key, value) -> {
                    if (value == null) {
                        overlay.delete(key);
                    } else {
                        overlay.put(key, value);
                    }
                });
            }
        }
        if (overlay.isEmpty()) {
            connection.rollback(); // nothing to write: the checks alone decided
        } else {
            table.writeAndCommit(connection, overlay);
            batches.increment();
        }
        return accepted;
    }

    private static TreeSet<byte[]> keysToCheck(List<Pending> batch) {
        TreeSet<byte[]> keys = new TreeSet<>(Keys.ORDER);
        for (Pending pending : batch) {
            PostgresTransaction tx = pending.tx;
            if (tx.needsValidation()) {
                keys.addAll(tx.reads.keySet());
                keys.addAll(tx.conditions.keySet());
                tx.writes.forEach((key, value) -> {
                    if (tx.writes.isInsert(key)) {
                        keys.add(key);
                    }
                });
            }
        }
        return keys;
    }

    /**
     * The committed entries of every range the batch's transactions read, in one statement. A
     * range is read far enough for any transaction's check: past its limit by as many keys as the
     * whole batch writes in it, since the writes accepted before a transaction may delete that many.
     */
    private IdentityHashMap<PostgresTransaction.ScanRead, List<KeyValue>> rangesToCheck(
            Connection connection, List<Pending> batch) throws SQLException {
        List<PostgresTransaction.ScanRead> scans = new ArrayList<>();
        for (Pending pending : batch) {
            if (pending.tx.needsValidation()) {
                scans.addAll(pending.tx.scans);
            }
        }
        IdentityHashMap<PostgresTransaction.ScanRead, List<KeyValue>> scanned = new IdentityHashMap<>();
        if (scans.isEmpty()) {
            return scanned;
        }
        List<KvTable.Range> ranges = new ArrayList<>(scans.size());
        for (PostgresTransaction.ScanRead scan : scans) {
            long fetch = scan.fetchLimit();
            if (fetch != Integer.MAX_VALUE) {
                for (Pending pending : batch) {
                    fetch += pending.tx.writes.extraFetch(scan.from(), scan.to());
                }
            }
            ranges.add(new KvTable.Range(scan.from(), scan.to(), (int) Math.min(fetch, Integer.MAX_VALUE)));
        }
        List<List<KeyValue>> rows = table.selectRanges(connection, ranges);
        for (int i = 0; i < scans.size(); i++) {
            scanned.put(scans.get(i), rows.get(i));
        }
        return scanned;
    }

    private static boolean readsHold(
            PostgresTransaction tx,
            TreeMap<byte[], byte[]> stored,
            IdentityHashMap<PostgresTransaction.ScanRead, List<KeyValue>> scanned,
            WriteBuffer overlay) {
        if (!tx.commitConditionHoldsNow()) {
            return false;
        }
        if (!tx.needsValidation()) {
            return true;
        }
        for (Map.Entry<byte[], byte[]> read : tx.reads.entrySet()) {
            if (!Arrays.equals(current(read.getKey(), stored, overlay), read.getValue())) {
                return false;
            }
        }
        for (Map.Entry<byte[], Predicate<byte[]>> condition : tx.conditions.entrySet()) {
            if (!satisfied(condition.getValue(), current(condition.getKey(), stored, overlay))) {
                return false;
            }
        }
        boolean[] insertsFree = {true};
        tx.writes.forEach((key, value) -> {
            if (tx.writes.isInsert(key) && current(key, stored, overlay) != null) {
                insertsFree[0] = false;
            }
        });
        if (!insertsFree[0]) {
            return false;
        }
        for (PostgresTransaction.ScanRead scan : tx.scans) {
            List<KeyValue> rows = scanned.get(scan);
            if (!Keys.sameEntries(overlay.merge(rows, scan.from(), scan.to(), scan.fetchLimit()), scan.committed())) {
                return false;
            }
        }
        return true;
    }

    /**
     * A condition that throws (on a value it cannot decode, say) refuses its transaction alone:
     * the retry reads the value and meets the failure in its own thread.
     */
    private static boolean satisfied(Predicate<byte[]> condition, byte[] value) {
        try {
            return condition.test(value);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static byte[] current(byte[] key, TreeMap<byte[], byte[]> stored, WriteBuffer overlay) {
        return overlay.contains(key) ? overlay.get(key) : stored.get(key);
    }

    private void settle(List<Pending> batch, boolean[] accepted) {
        StoreConflictException conflict = null;
        for (int i = 0; i < batch.size(); i++) {
            if (accepted[i]) {
                committed.increment();
                batch.get(i).outcome.complete(null);
            } else {
                if (conflict == null) {
                    conflict = new StoreConflictException("a value this transaction read changed before it committed");
                }
                refused.increment();
                batch.get(i).outcome.complete(conflict);
            }
        }
    }

    private static void failAll(List<Pending> batch, RuntimeException failure) {
        for (Pending pending : batch) {
            pending.outcome.complete(failure);
        }
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // a broken connection is evicted by the pool
        }
    }

    private static void backoff(int attempt) {
        LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(100_000L << Math.min(attempt, 5)));
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
