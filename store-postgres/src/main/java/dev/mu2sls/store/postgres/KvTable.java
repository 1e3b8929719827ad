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
import java.util.concurrent.atomic.LongAdder;

/**
 * The SQL of one key-value table {@code (k BYTEA PRIMARY KEY, v BYTEA NOT NULL)}, limited to what
 * PostgreSQL, CockroachDB and YugabyteDB all accept: point, multi-key ({@code = ANY(array)}) and
 * ordered range {@code SELECT}s, several ranges in one (a {@code LATERAL} join on
 * {@code unnest(...) WITH ORDINALITY}; run on PostgreSQL here, and documented by CockroachDB since
 * v20.1), {@code INSERT ... SELECT FROM unnest(...) ON CONFLICT DO UPDATE},
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
    private final String selectRanges;
    /** Statements run on the table, for tests to see reads merged. */
    private final LongAdder statements = new LongAdder();

    KvTable(String name) {
        if (!name.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("table name must be a lowercase SQL identifier: '" + name + "'");
        }
        this.name = name;
        this.selectOne = "SELECT v FROM " + name + " WHERE k = ?";
        this.selectMany = "SELECT k, v FROM " + name + " WHERE k = ANY(?)";
        this.selectRanges = "SELECT r.i, t.k, t.v FROM unnest(?::bytea[], ?::bytea[], ?::int8[]) WITH ORDINALITY"
                + " AS r(f, t, n, i) CROSS JOIN LATERAL (SELECT k, v FROM " + name
                + " WHERE k >= r.f AND k < r.t ORDER BY k LIMIT r.n) AS t ORDER BY r.i, t.k";
    }

    String name() {
        return name;
    }

    long statements() {
        return statements.sum();
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
        statements.increment();
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
        statements.increment();
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
        statements.increment();
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

    /** A key range {@code [from, to)} read up to {@code limit} entries; a null bound is open. */
    record Range(byte[] from, byte[] to, int limit) {
        Range {
            if (limit <= 0) {
                throw new IllegalArgumentException("scan limit must be positive: " + limit);
            }
        }

        /** Whether it has an upper bound, which {@link #selectRanges} needs to stop each range's index scan. */
        boolean bounded() {
            return to != null;
        }
    }

    /**
     * The entries of several ranges in one statement, in the order of {@code ranges}: each is its
     * own index range scan with its own limit (a lateral join on the ranges, unnested with their
     * ordinal), so merging them changes no result and the statement sees one snapshot. Ranges
     * without an upper bound are read alone, since their scan would run to the table's end.
     */
    List<List<KeyValue>> selectRanges(Connection connection, List<Range> ranges) throws SQLException {
        List<Integer> bounded = new ArrayList<>();
        List<List<KeyValue>> results = new ArrayList<>(ranges.size());
        for (int i = 0; i < ranges.size(); i++) {
            results.add(new ArrayList<>());
            if (ranges.get(i).bounded()) {
                bounded.add(i);
            }
        }
        if (bounded.size() > 1) {
            selectMerged(connection, ranges, bounded, results);
        }
        for (int i = 0; i < ranges.size(); i++) {
            Range range = ranges.get(i);
            if (!range.bounded() || bounded.size() == 1) { // a lone range: the plain statement, cheaper
                results.set(i, selectRange(connection, range.from(), range.to(), range.limit()));
            }
        }
        return results;
    }

    /** The {@code bounded} ranges' entries, added to their {@code results}, from one statement. */
    private void selectMerged(
            Connection connection, List<Range> ranges, List<Integer> bounded, List<List<KeyValue>> results)
            throws SQLException {
        byte[][] froms = new byte[bounded.size()][];
        byte[][] tos = new byte[bounded.size()][];
        Long[] limits = new Long[bounded.size()];
        for (int j = 0; j < bounded.size(); j++) {
            Range range = ranges.get(bounded.get(j));
            froms[j] = range.from() == null ? new byte[0] : range.from(); // every key is at least the empty one
            tos[j] = range.to();
            limits[j] = (long) range.limit();
        }
        statements.increment();
        try (PreparedStatement statement = connection.prepareStatement(selectRanges)) {
            statement.setArray(1, connection.createArrayOf("bytea", froms));
            statement.setArray(2, connection.createArrayOf("bytea", tos));
            statement.setArray(3, connection.createArrayOf("int8", limits));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    int ordinal = (int) rows.getLong(1); // from 1
                    results.get(bounded.get(ordinal - 1)).add(new KeyValue(rows.getBytes(2), rows.getBytes(3)));
                }
            }
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
        statements.increment();
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
