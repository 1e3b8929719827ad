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
 * {@code INSERT ... ON CONFLICT (k) DO UPDATE}, {@code DELETE}, and
 * {@code SET TRANSACTION ISOLATION LEVEL SERIALIZABLE} through JDBC. Avoided: advisory locks,
 * {@code SELECT ... FOR UPDATE SKIP LOCKED}, {@code LISTEN/NOTIFY}, sequences, stored procedures,
 * large objects and {@code COPY}. Byte keys compare as unsigned bytes in all three databases, the
 * order the store contract requires.
 *
 * <h2>Durability</h2>
 * A commit returns after the database committed (with PostgreSQL's default
 * {@code synchronous_commit = on}, after its WAL is flushed; the server groups concurrent commits).
 */
public final class PostgresStore implements Store {
    private final String table;
    private final HikariDataSource pool;
    private final String url;
    private final LongAdder commits = new LongAdder();
    private final LongAdder conflicts = new LongAdder();
    private final LongAdder reads = new LongAdder();

    private PostgresStore(String jdbcUrl, String user, String password, int poolSize, String table) {
        if (!table.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("table name must be a lowercase SQL identifier: '" + table + "'");
        }
        this.url = jdbcUrl;
        this.table = table;
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        if (user != null) {
            config.setUsername(user);
        }
        if (password != null) {
            config.setPassword(password);
        }
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(Math.min(4, poolSize));
        config.setPoolName("mu2sls-store");
        config.setAutoCommit(true);
        config.addDataSourceProperty("reWriteBatchedInserts", "true");
        try {
            this.pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot connect to the PostgreSQL store at " + jdbcUrl + ": " + e.getMessage()
                    + "; check that the server runs and the URL, user and password are right", e);
        }
        createSchema();
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
        try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS " + table + " (k BYTEA PRIMARY KEY, v BYTEA NOT NULL)");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create table " + table + " in " + url + ": " + e.getMessage(), e);
        }
    }

    @Override
    public byte[] get(byte[] key) {
        reads.increment();
        try (Connection connection = pool.getConnection()) {
            return select(connection, key);
        } catch (SQLException e) {
            throw failure("read", e);
        }
    }

    @Override
    public List<KeyValue> scan(byte[] fromInclusive, byte[] toExclusive, int limit) {
        reads.increment();
        try (Connection connection = pool.getConnection()) {
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
            return new PostgresTransaction(pool.getConnection());
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
        pool.close();
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

        PostgresTransaction(Connection connection) throws SQLException {
            this.connection = connection;
            try {
                connection.setAutoCommit(false);
                connection.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
            } catch (SQLException e) {
                connection.close();
                throw e;
            }
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

        @Override
        public void commit() {
            checkActive();
            finished = true;
            try {
                List<KeyValue> upserts = new ArrayList<>();
                List<KeyValue> inserts = new ArrayList<>();
                List<byte[]> deletes = new ArrayList<>();
                writes.forEach((key, value) -> {
                    if (value == null) {
                        deletes.add(key);
                    } else if (writes.isInsert(key)) {
                        inserts.add(new KeyValue(key, value));
                    } else {
                        upserts.add(new KeyValue(key, value));
                    }
                });
                if (!inserts.isEmpty()) {
                    try (PreparedStatement statement = connection.prepareStatement("INSERT INTO " + table + " (k, v) VALUES (?, ?)")) {
                        for (KeyValue insert : inserts) {
                            statement.setBytes(1, insert.key());
                            statement.setBytes(2, insert.value());
                            statement.addBatch();
                        }
                        statement.executeBatch();
                    }
                }
                if (!upserts.isEmpty()) {
                    try (PreparedStatement statement = connection.prepareStatement("INSERT INTO " + table
                            + " (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v")) {
                        for (KeyValue write : upserts) {
                            statement.setBytes(1, write.key());
                            statement.setBytes(2, write.value());
                            statement.addBatch();
                        }
                        statement.executeBatch();
                    }
                }
                if (!deletes.isEmpty()) {
                    try (PreparedStatement statement = connection.prepareStatement("DELETE FROM " + table + " WHERE k = ?")) {
                        for (byte[] key : deletes) {
                            statement.setBytes(1, key);
                            statement.addBatch();
                        }
                        statement.executeBatch();
                    }
                }
                connection.commit();
                commits.increment();
            } catch (SQLException e) {
                throw abort("commit", e);
            } finally {
                release();
            }
        }

        @Override
        public void rollback() {
            if (finished) {
                return;
            }
            finished = true;
            try {
                connection.rollback();
            } catch (SQLException ignored) {
                // the connection is returned to the pool, which resets it
            } finally {
                release();
            }
        }

        private RuntimeException abort(String what, SQLException e) {
            if (!finished) {
                finished = true;
                try {
                    connection.rollback();
                } catch (SQLException ignored) {
                    // reported below
                }
                release();
            }
            return failure(what, e);
        }

        private void release() {
            try {
                connection.setAutoCommit(true);
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
