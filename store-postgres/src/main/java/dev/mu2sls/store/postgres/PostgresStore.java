package dev.mu2sls.store.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.mu2sls.store.KeyValue;
import dev.mu2sls.store.Store;
import dev.mu2sls.store.StoreConflictException;
import dev.mu2sls.store.StoreStats;
import dev.mu2sls.store.StoreTransaction;
import dev.mu2sls.store.WriteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * A {@link Store} on PostgreSQL (and the PostgreSQL-compatible distributed databases) over JDBC:
 * one table of byte keys and values, transactions at SERIALIZABLE isolation, serialization
 * failures and deadlocks (SQLSTATE 40001, 40P01) mapped once to {@link StoreConflictException}.
 *
 * <h2>Portable SQL</h2>
 * Only what CockroachDB and YugabyteDB also accept: {@code CREATE TABLE IF NOT EXISTS} with a
 * {@code BYTEA} primary key, point and range {@code SELECT ... ORDER BY k LIMIT ?},
 * {@code INSERT ... ON CONFLICT (k) DO UPDATE}, {@code DELETE}, {@code COMMIT} as a statement
 * (several statements in one round trip), and the SERIALIZABLE isolation level set through JDBC.
 * The table's {@code fillfactor} storage parameter is tried first and dropped where a database
 * rejects it. Avoided: advisory locks,
 * {@code SELECT ... FOR UPDATE SKIP LOCKED}, {@code LISTEN/NOTIFY}, sequences, stored procedures,
 * large objects and {@code COPY}. Byte keys compare as unsigned bytes in all three databases, the
 * order the store contract requires.
 *
 * <h2>Durability</h2>
 * A commit returns after the database committed (with PostgreSQL's default
 * {@code synchronous_commit = on}, after its WAL is flushed; the server groups concurrent commits).
 */
public final class PostgresStore implements Store {
    /**
     * Heap pages are left half empty so that an updated row usually stays on its page (a HOT
     * update, no new index entry). Without it every update inserts into the key index, and
     * PostgreSQL's SSI, which tracks reads of index pages, aborts transactions that merely read
     * neighbouring keys (W1 at 64 clients: about a third of all commits).
     */
    private static final int FILL_FACTOR = 50;
    private final String table;
    private final HikariDataSource readPool;
    private final HikariDataSource transactionPool;
    private final String url;
    private final LongAdder commits = new LongAdder();
    private final LongAdder conflicts = new LongAdder();
    private final LongAdder reads = new LongAdder();

    private PostgresStore(String jdbcUrl, String user, String password, int poolSize, String table) {
        if (!table.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("table name must be a lowercase SQL identifier: '" + table + "'");
        }
        if (poolSize < 2) {
            throw new IllegalArgumentException("pool size must be at least 2 (reads and transactions have a pool each): " + poolSize);
        }
        this.url = jdbcUrl;
        this.table = table;
        this.readPool = pool(jdbcUrl, user, password, "mu2sls-reads", Math.max(1, poolSize / 4), false);
        try {
            this.transactionPool = pool(jdbcUrl, user, password, "mu2sls-transactions", poolSize, true);
        } catch (RuntimeException e) {
            readPool.close();
            throw e;
        }
        createSchema();
    }

    /**
     * Reads outside a transaction run on autocommit connections at the server's default isolation
     * (READ COMMITTED: a single-statement read of committed data, no SSI predicate locks). The
     * transaction pool's connections are SERIALIZABLE with autocommit off from the start, so
     * beginning and ending a transaction costs no SET or reset round trip.
     */
    private static HikariDataSource pool(String jdbcUrl, String user, String password, String name, int size,
                                         boolean transactional) {
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
            throw new IllegalStateException("cannot connect to the PostgreSQL store at " + jdbcUrl + ": " + e.getMessage()
                    + "; check that the server runs and the URL, user and password are right", e);
        }
    }

    /**
     * Connects to the database at {@code jdbcUrl} and creates the table on first use.
     *
     * @param poolSize connections in the pool (each transaction holds one)
     */
    public static PostgresStore open(String jdbcUrl, String user, String password, int poolSize) {
        return new PostgresStore(jdbcUrl, user, password, poolSize, "mu2sls_kv");
    }

    /** As {@link #open(String, String, String, int)}, with the data in table {@code table}. */
    public static PostgresStore open(String jdbcUrl, String user, String password, int poolSize, String table) {
        return new PostgresStore(jdbcUrl, user, password, poolSize, table);
    }

    private void createSchema() {
        String create = "CREATE TABLE IF NOT EXISTS " + table + " (k BYTEA PRIMARY KEY, v BYTEA NOT NULL)";
        try (Connection connection = readPool.getConnection(); Statement statement = connection.createStatement()) {
            try {
                statement.execute(create + " WITH (fillfactor = " + FILL_FACTOR + ")");
            } catch (SQLException unsupported) {
                statement.execute(create); // a database without the storage parameter
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create table " + table + " in " + url + ": " + e.getMessage(), e);
        }
    }

    @Override
    public byte[] get(byte[] key) {
        reads.increment();
        try (Connection connection = readPool.getConnection()) {
            return select(connection, key);
        } catch (SQLException e) {
            throw failure("read", e);
        }
    }

    @Override
    public List<KeyValue> scan(byte[] fromInclusive, byte[] toExclusive, int limit) {
        reads.increment();
        try (Connection connection = readPool.getConnection()) {
            return selectRange(connection, fromInclusive, toExclusive, limit);
        } catch (SQLException e) {
            throw failure("scan", e);
        }
    }

    private byte[] select(Connection connection, byte[] key) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT v FROM " + table + " WHERE k = ?")) {
            statement.setBytes(1, key);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? rows.getBytes(1) : null;
            }
        }
    }

    private List<KeyValue> selectRange(Connection connection, byte[] from, byte[] to, int limit) throws SQLException {
        if (limit <= 0) {
            throw new IllegalArgumentException("scan limit must be positive: " + limit);
        }
        StringBuilder sql = new StringBuilder("SELECT k, v FROM ").append(table).append(" WHERE TRUE");
        if (from != null) {
            sql.append(" AND k >= ?");
        }
        if (to != null) {
            sql.append(" AND k < ?");
        }
        sql.append(" ORDER BY k LIMIT ?");
        try (PreparedStatement statement = connection.prepareStatement(sql.toString())) {
            int parameter = 1;
            if (from != null) {
                statement.setBytes(parameter++, from);
            }
            if (to != null) {
                statement.setBytes(parameter++, to);
            }
            statement.setLong(parameter, limit);
            List<KeyValue> result = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    result.add(new KeyValue(rows.getBytes(1), rows.getBytes(2)));
                }
            }
            return result;
        }
    }

    @Override
    public StoreTransaction begin() {
        try {
            return new PostgresTransaction(transactionPool.getConnection());
        } catch (SQLException e) {
            throw failure("begin", e);
        }
    }

    @Override
    public StoreStats stats() {
        return new StoreStats(commits.sum(), conflicts.sum(), reads.sum(), 0);
    }

    @Override
    public void close() {
        transactionPool.close();
        readPool.close();
    }

    private RuntimeException failure(String what, SQLException e) {
        if (isConflict(e)) {
            conflicts.increment();
            return new StoreConflictException("PostgreSQL " + what + " conflicted (SQLSTATE " + e.getSQLState() + ")", e);
        }
        return new IllegalStateException("PostgreSQL " + what + " failed at " + url + ": " + e.getMessage(), e);
    }

    /**
     * Serialization failure, deadlock, or a unique violation of an insert: retryable (PostgreSQL,
     * CockroachDB and YugabyteDB all use these codes).
     */
    static boolean isConflict(SQLException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && ("40001".equals(sql.getSQLState()) || "40P01".equals(sql.getSQLState())
                    || "23505".equals(sql.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    private final class PostgresTransaction implements StoreTransaction {
        private final Connection connection;
        private final WriteBuffer writes = new WriteBuffer();
        private boolean finished;

        PostgresTransaction(Connection connection) {
            this.connection = connection;
        }

        @Override
        public byte[] get(byte[] key) {
            checkActive();
            if (writes.contains(key)) {
                return writes.get(key);
            }
            try {
                return select(connection, key);
            } catch (SQLException e) {
                throw abort("read", e);
            }
        }

        @Override
        public List<KeyValue> scan(byte[] fromInclusive, byte[] toExclusive, int limit) {
            checkActive();
            try {
                int fetch = limit == Integer.MAX_VALUE ? limit : limit + writes.extraFetch(fromInclusive, toExclusive);
                List<KeyValue> committed = selectRange(connection, fromInclusive, toExclusive, fetch);
                return writes.merge(committed, fromInclusive, toExclusive, limit);
            } catch (SQLException e) {
                throw abort("scan", e);
            }
        }

        @Override
        public void put(byte[] key, byte[] value) {
            checkActive();
            writes.put(key, value);
        }

        @Override
        public void delete(byte[] key) {
            checkActive();
            writes.delete(key);
        }

        /** Checked by the database at commit: a plain INSERT, whose unique violation is a conflict. */
        @Override
        public void insert(byte[] key, byte[] value) {
            checkActive();
            writes.insert(key, value);
        }

        /**
         * Sends every write and the COMMIT in one round trip: one multi-statement prepared
         * statement, which the driver sends as a pipeline of statements with a single sync. A
         * serialization failure at COMMIT surfaces as this statement's error.
         */
        @Override
        public void commit() {
            checkActive();
            finished = true;
            try {
                if (writes.isEmpty()) {
                    connection.commit();
                } else {
                    writeAndCommit();
                }
                commits.increment();
            } catch (SQLException e) {
                rollbackQuietly();
                throw failure("commit", e);
            } finally {
                release();
            }
        }

        private void writeAndCommit() throws SQLException {
            StringBuilder sql = new StringBuilder();
            List<byte[]> parameters = new ArrayList<>();
            writes.forEach((key, value) -> {
                if (value == null) {
                    sql.append("DELETE FROM ").append(table).append(" WHERE k = ?;");
                    parameters.add(key);
                } else {
                    sql.append("INSERT INTO ").append(table).append(" (k, v) VALUES (?, ?)");
                    if (!writes.isInsert(key)) {
                        sql.append(" ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v");
                    }
                    sql.append(';');
                    parameters.add(key);
                    parameters.add(value);
                }
            });
            sql.append("COMMIT");
            try (PreparedStatement statement = connection.prepareStatement(sql.toString())) {
                for (int i = 0; i < parameters.size(); i++) {
                    statement.setBytes(i + 1, parameters.get(i));
                }
                statement.execute();
            }
            connection.commit(); // no round trip: the server already ended the transaction
        }

        @Override
        public void rollback() {
            if (finished) {
                return;
            }
            finished = true;
            rollbackQuietly();
            release();
        }

        private void rollbackQuietly() {
            try {
                connection.rollback();
            } catch (SQLException ignored) {
                // a broken connection is evicted by the pool
            }
        }

        private RuntimeException abort(String what, SQLException e) {
            if (!finished) {
                finished = true;
                rollbackQuietly();
                release();
            }
            return failure(what, e);
        }

        private void release() {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // a broken connection is evicted by the pool
            }
        }

        private void checkActive() {
            if (finished) {
                throw new IllegalStateException("transaction already committed or rolled back");
            }
        }
    }
}
