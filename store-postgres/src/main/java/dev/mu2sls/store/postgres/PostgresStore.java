package dev.mu2sls.store.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.mu2sls.store.CommitHold;
import dev.mu2sls.store.KeyValue;
import dev.mu2sls.store.Retries;
import dev.mu2sls.store.Store;
import dev.mu2sls.store.StoreConflictException;
import dev.mu2sls.store.StoreStats;
import dev.mu2sls.store.StoreTransaction;
import dev.mu2sls.store.TransactionBody;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.UnaryOperator;

/**
 * A {@link Store} on PostgreSQL (and the PostgreSQL-compatible distributed databases) over JDBC:
 * one table of byte keys and values, and optimistic transactions whose commits are decided in
 * batches.
 *
 * <h2>Transactions</h2>
 * A transaction holds no connection while its body runs: each read is one autocommit statement at
 * the server's default READ COMMITTED isolation, and writes are buffered. At commit the
 * transaction joins the next batch of its {@link BatchCommitter}, which re-reads everything the
 * batch read in one statement, accepts the transactions whose reads still hold, and writes and
 * commits them in one SERIALIZABLE database transaction: two round trips and one WAL flush for a
 * whole batch. A refused transaction throws {@link StoreConflictException} and
 * {@link #run} runs its body again; so does a batch the database aborts (SQLSTATE 40001/40P01)
 * too often in a row. Several processes may share one table: SERIALIZABLE isolation orders their
 * batches.
 *
 * <h2>Portable SQL</h2>
 * Only what CockroachDB and YugabyteDB also accept: {@code CREATE TABLE IF NOT EXISTS} with a
 * {@code BYTEA} primary key, point, {@code = ANY(array)} and range
 * {@code SELECT ... ORDER BY k LIMIT ?} (several ranges as one {@code CROSS JOIN LATERAL} on
 * {@code unnest(...) WITH ORDINALITY}), {@code INSERT ... SELECT FROM unnest(array, array)
 * ON CONFLICT (k) DO UPDATE}, {@code DELETE ... WHERE k = ANY(array)}, {@code COMMIT} as a
 * statement (several statements in one round trip), and the SERIALIZABLE isolation level set
 * through JDBC. The table's {@code fillfactor} storage parameter is tried first and dropped where
 * a database rejects it. Avoided: advisory locks, {@code SELECT ... FOR UPDATE SKIP LOCKED},
 * {@code LISTEN/NOTIFY}, sequences, stored procedures, large objects and {@code COPY}. Byte keys
 * compare as unsigned bytes in all three databases, the order the store contract requires.
 *
 * <h2>Durability</h2>
 * A commit returns after the database committed its batch (with PostgreSQL's default
 * {@code synchronous_commit = on}, after its WAL is flushed). {@link StoreStats#syncs()} counts
 * those database commits.
 */
public final class PostgresStore implements Store {
    private static final int OPTIMISTIC_ATTEMPTS = 8;
    private static final int ESCALATIONS = 1_000;
    private final KvTable table;
    private final HikariDataSource readPool;
    private final HikariDataSource commitPool;
    private final BatchCommitter committer;
    final ReadBatcher mergedReads;
    private final DatabaseClock clock;
    private final String url;
    private final LongAdder reads = new LongAdder();
    private final LongAdder readOnlyCommits = new LongAdder();

    private PostgresStore(String jdbcUrl, String user, String password, int poolSize, String table) {
        this.table = new KvTable(table);
        if (poolSize < 1) {
            throw new IllegalArgumentException("pool size must be at least 1: " + poolSize);
        }
        this.url = jdbcUrl;
        this.readPool = pool(jdbcUrl, user, password, "mu2sls-reads", poolSize, false);
        try {
            this.commitPool = pool(jdbcUrl, user, password, "mu2sls-commits", 1, true);
        } catch (RuntimeException e) {
            readPool.close();
            throw e;
        }
        try {
            createSchema();
            this.clock = DatabaseClock.of(readPool);
        } catch (RuntimeException e) {
            commitPool.close();
            readPool.close();
            throw e;
        }
        this.committer = new BatchCommitter(this.table, commitPool);
        this.mergedReads = new ReadBatcher(this.table, readPool, poolSize);
    }

    /**
     * Reads run on autocommit connections at the server's default isolation (READ COMMITTED: a
     * single-statement read of committed data). The commit pool's connection is SERIALIZABLE with
     * autocommit off from the start, so a batch costs no SET or reset round trip.
     */
    private static HikariDataSource pool(
            String jdbcUrl, String user, String password, String name, int size, boolean transactional) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        if (user != null) {
            config.setUsername(user);
        }
        if (password != null) {
            config.setPassword(password);
        }
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(Math.min(4, size));
        config.setPoolName(name);
        config.setAutoCommit(!transactional);
        if (transactional) {
            config.setTransactionIsolation("TRANSACTION_SERIALIZABLE");
        }
        try {
            return new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new IllegalStateException(
                    "cannot connect to the PostgreSQL store at " + jdbcUrl + ": " + e.getMessage()
                            + "; check that the server runs and the URL, user and password are right",
                    e);
        }
    }

    /**
     * Connects to the database at {@code jdbcUrl} and creates the table on first use.
     *
     * @param poolSize connections for reads (concurrent reads beyond it wait); commits use one more
     */
    public static PostgresStore open(String jdbcUrl, String user, String password, int poolSize) {
        return new PostgresStore(jdbcUrl, user, password, poolSize, "mu2sls_kv");
    }

    /** As {@link #open(String, String, String, int)}, with the data in table {@code table}. */
    public static PostgresStore open(String jdbcUrl, String user, String password, int poolSize, String table) {
        return new PostgresStore(jdbcUrl, user, password, poolSize, table);
    }

    /**
     * The database server's clock ({@link DatabaseClock}): every instance sharing the store
     * measures execution deadlines, retention and leases on it.
     */
    @Override
    public InstantSource clock() {
        return clock;
    }

    private void createSchema() {
        try (Connection connection = readPool.getConnection()) {
            table.create(connection);
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "cannot create table " + table.name() + " in " + url + ": " + e.getMessage(), e);
        }
    }

    @Override
    public byte[] get(byte[] key) {
        reads.increment();
        return readCommitted(key);
    }

    /** One {@code = ANY(array)} statement for all of them. */
    @Override
    public List<byte[]> getAll(List<byte[]> keys) {
        reads.increment();
        TreeMap<byte[], byte[]> found = readMerged(keys);
        List<byte[]> values = new ArrayList<>(keys.size());
        for (byte[] key : keys) {
            values.add(found.get(key));
        }
        return values;
    }

    @Override
    public List<KeyValue> scan(byte[] fromInclusive, byte[] toExclusive, int limit) {
        reads.increment();
        return scanCommitted(fromInclusive, toExclusive, limit);
    }

    byte[] readCommitted(byte[] key) {
        return readMerged(List.of(key)).get(key);
    }

    /** Through the {@link ReadBatcher}: merged with the reads waiting for a connection at the same time. */
    private TreeMap<byte[], byte[]> readMerged(List<byte[]> keys) {
        try {
            return mergedReads.read(keys);
        } catch (SQLException e) {
            throw failure("read", e);
        }
    }

    /** Through the {@link ReadBatcher}: merged, as point reads are, with the reads waiting at the same time. */
    List<KeyValue> scanCommitted(byte[] fromInclusive, byte[] toExclusive, int limit) {
        try {
            return mergedReads.scan(new KvTable.Range(fromInclusive, toExclusive, limit));
        } catch (SQLException e) {
            throw failure("scan", e);
        }
    }

    /**
     * The retry loop, with escalation: after {@value #OPTIMISTIC_ATTEMPTS} conflicts in a row, one
     * attempt runs {@linkplain BatchCommitter#exclusively exclusively}, so that a transaction that
     * reads much (W6's audit scans every balance) is not starved by the short ones committing in
     * every batch between its read and its commit. Then optimistic attempts again, and so on.
     */
    @Override
    public <T> T run(TransactionBody<T> body, UnaryOperator<StoreTransaction> decorate) {
        StoreConflictException last = null;
        for (int round = 0; round < ESCALATIONS; round++) {
            boolean firstRound = round == 0;
            try {
                return Retries.run(
                        attempt -> decorate.apply(newTransaction(firstRound && attempt == 0)),
                        body,
                        OPTIMISTIC_ATTEMPTS);
            } catch (StoreConflictException starving) {
                last = starving;
            }
            try {
                return committer.exclusively(
                        () -> Retries.run(attempt -> decorate.apply(newTransaction(false)), body, 1));
            } catch (StoreConflictException overtakenByAnotherProcess) {
                last = overtakenByAnotherProcess;
            }
        }
        throw new StoreConflictException(
                "transaction still conflicting after " + ESCALATIONS
                        + " exclusive attempts; another process keeps changing what it reads",
                last);
    }

    @Override
    public CommitHold holdCommits() {
        return committer.hold();
    }

    @Override
    public StoreTransaction begin() {
        return newTransaction(false);
    }

    /**
     * @param trustExpectations whether {@link StoreTransaction#holds} may answer without a round
     *     trip (the batch validates the expectation): on the first attempt of {@link #run} only, so
     *     that a retry reads for real and tells its caller that the expectation failed
     */
    private PostgresTransaction newTransaction(boolean trustExpectations) {
        if (readPool.isClosed()) {
            throw new IllegalStateException("store is closed");
        }
        return new PostgresTransaction(this, trustExpectations);
    }

    /** Statements run on the table (reads merged run fewer). */
    long statements() {
        return table.statements();
    }

    BatchCommitter committer() {
        return committer;
    }

    /** A read-only transaction that needed no check (at most one read) committed. */
    void countCommit() {
        readOnlyCommits.increment();
    }

    @Override
    public StoreStats stats() {
        return new StoreStats(
                committer.committed() + readOnlyCommits.sum(), committer.refused(), reads.sum(), committer.batches());
    }

    @Override
    public void close() {
        committer.close();
        commitPool.close();
        readPool.close();
    }

    private RuntimeException failure(String what, SQLException e) {
        return new IllegalStateException("PostgreSQL " + what + " failed at " + url + ": " + e.getMessage(), e);
    }

    /** Serialization failure or deadlock: retryable (PostgreSQL, CockroachDB and YugabyteDB all use these codes). */
    static boolean isConflict(SQLException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql
                    && ("40001".equals(sql.getSQLState()) || "40P01".equals(sql.getSQLState()))) {
                return true;
            }
        }
        return false;
    }
}
