package dev.mu2sls.store.postgres;

import dev.mu2sls.store.KeyValue;
import dev.mu2sls.store.Keys;
import dev.mu2sls.store.WriteBuffer;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeMap;

/**
 * The SQL of one key-value table {@code (k BYTEA PRIMARY KEY, v BYTEA NOT NULL)}, limited to what
 * PostgreSQL, CockroachDB and YugabyteDB all accept: point, multi-key ({@code = ANY(array)}) and
 * ordered range {@code SELECT}s, {@code INSERT ... SELECT FROM unnest(...) ON CONFLICT DO UPDATE},
 * {@code DELETE ... WHERE k = ANY(array)}, and {@code COMMIT} sent with the writes.
 */
final class KvTable {
    /**
     * Heap pages are left half empty so that an updated row usually stays on its page (a HOT
     * update, no new index entry): fewer index writes, and fewer conflicts between concurrent
     * serializable transactions that track reads by index page.
     */
    private static final int FILL_FACTOR = 50;

    private final String name;
    private final String selectOne;
    private final String selectMany;

    KvTable(String name) {
        if (!name.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("table name must be a lowercase SQL identifier: '" + name + "'");
        }
        this.name = name;
        this.selectOne = "SELECT v FROM " + name + " WHERE k = ?";
        this.selectMany = "SELECT k, v FROM " + name + " WHERE k = ANY(?)";
    }

    String name() {
        return name;
    }

    /** Creates the table if it does not exist; the fill factor is dropped where a database rejects it. */
    void create(Connection connection) throws SQLException {
        String create = "CREATE TABLE IF NOT EXISTS " + name + " (k BYTEA PRIMARY KEY, v BYTEA NOT NULL)";
        try (Statement statement = connection.createStatement()) {
            try {
                statement.execute(create + " WITH (fillfactor = " + FILL_FACTOR + ")");
            } catch (SQLException unsupported) {
                statement.execute(create);
            }
        }
    }

    byte[] select(Connection connection, byte[] key) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(selectOne)) {
            statement.setBytes(1, key);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? rows.getBytes(1) : null;
            }
        }
    }

    /** The stored values of {@code keys} in one statement; absent keys are absent from the map. */
    TreeMap<byte[], byte[]> selectAll(Connection connection, Collection<byte[]> keys) throws SQLException {
        TreeMap<byte[], byte[]> found = new TreeMap<>(Keys.ORDER);
        if (keys.isEmpty()) {
            return found;
        }
        try (PreparedStatement statement = connection.prepareStatement(selectMany)) {
            Array array = connection.createArrayOf("bytea", keys.toArray(new byte[0][]));
            statement.setArray(1, array);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    found.put(rows.getBytes(1), rows.getBytes(2));
                }
            }
        }
        return found;
    }

    List<KeyValue> selectRange(Connection connection, byte[] from, byte[] to, int limit) throws SQLException {
        if (limit <= 0) {
            throw new IllegalArgumentException("scan limit must be positive: " + limit);
        }
        StringBuilder sql = new StringBuilder("SELECT k, v FROM ").append(name).append(" WHERE TRUE");
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

    /**
     * Applies {@code writes} and commits the connection's transaction in one round trip: an upsert
     * of every put and a delete of every deleted key as array parameters, then {@code COMMIT}, sent
     * as one multi-statement prepared statement (the driver pipelines it with a single sync). A
     * serialization failure at commit surfaces as this call's exception.
     */
    void writeAndCommit(Connection connection, WriteBuffer writes) throws SQLException {
        List<byte[]> putKeys = new ArrayList<>();
        List<byte[]> putValues = new ArrayList<>();
        List<byte[]> deleteKeys = new ArrayList<>();
        writes.forEach((key, value) -> {
            if (value == null) {
                deleteKeys.add(key);
            } else {
                putKeys.add(key);
                putValues.add(value);
            }
        });
        StringBuilder sql = new StringBuilder();
        if (!putKeys.isEmpty()) {
            sql.append("INSERT INTO ")
                    .append(name)
                    .append(" (k, v) SELECT * FROM unnest(?::bytea[], ?::bytea[])")
                    .append(" ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v;");
        }
        if (!deleteKeys.isEmpty()) {
            sql.append("DELETE FROM ").append(name).append(" WHERE k = ANY(?);");
        }
        sql.append("COMMIT");
        try (PreparedStatement statement = connection.prepareStatement(sql.toString())) {
            int parameter = 1;
            if (!putKeys.isEmpty()) {
                statement.setArray(parameter++, connection.createArrayOf("bytea", putKeys.toArray(new byte[0][])));
                statement.setArray(parameter++, connection.createArrayOf("bytea", putValues.toArray(new byte[0][])));
            }
            if (!deleteKeys.isEmpty()) {
                statement.setArray(parameter, connection.createArrayOf("bytea", deleteKeys.toArray(new byte[0][])));
            }
            statement.execute();
        }
        connection.commit(); // no round trip: the server already ended the transaction
    }
}
