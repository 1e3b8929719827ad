package dev.mu2sls.store.postgres;

import dev.mu2sls.store.KeyValue;
import dev.mu2sls.store.Keys;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import javax.sql.DataSource;

/**
 * Reads of committed data, merged: reads that arrive while every read connection is busy wait,
 * and the first of them to get a connection runs all that waited, the point reads as one
 * {@code = ANY(array)} statement and the range reads as one more ({@link KvTable#selectRanges}).
 * A process serving many requests at once (a function at 64 clients, whose transaction ends each
 * read their records' range) then costs PostgreSQL one or two statements, and one autocommit
 * transaction, per batch instead of per read; a read that finds a connection free runs alone, at
 * once. Each read still sees one moment (its statement's READ COMMITTED snapshot), so merging
 * changes no result.
 */
final class ReadBatcher {
    /** One read waiting for a connection. */
    private sealed interface Read {
        CompletableFuture<?> result();
    }

    /** Point reads: the keys asked for, and the map of those found. */
    private record PointRead(Collection<byte[]> keys, CompletableFuture<TreeMap<byte[], byte[]>> result)
            implements Read {}

    /** A range read, and its entries. */
    private record RangeRead(KvTable.Range range, CompletableFuture<List<KeyValue>> result) implements Read {}

    private final KvTable table;
    private final DataSource pool;
    /** One per read connection: held while a statement runs. */
    final Semaphore connections;

    private final ConcurrentLinkedQueue<Read> waiting = new ConcurrentLinkedQueue<>();

    ReadBatcher(KvTable table, DataSource pool, int connections) {
        this.table = table;
        this.pool = pool;
        this.connections = new Semaphore(connections);
    }

    /** The committed values of {@code keys} (absent keys missing from the map). */
    TreeMap<byte[], byte[]> read(Collection<byte[]> keys) throws SQLException {
        return await(new PointRead(keys, new CompletableFuture<>()));
    }

    /** The committed entries of {@code range}, in key order. */
    List<KeyValue> scan(KvTable.Range range) throws SQLException {
        return await(new RangeRead(range, new CompletableFuture<>()));
    }

    private <T> T await(Read read) throws SQLException {
        waiting.add(read);
        connections.acquireUninterruptibly();
        try {
            List<Read> batch = new ArrayList<>();
            for (Read next = waiting.poll(); next != null; next = waiting.poll()) {
                batch.add(next);
            }
            if (!batch.isEmpty()) {
                run(batch); // ours is in it, or in the batch of a reader that took it before us
            }
        } finally {
            connections.release();
        }
        try {
            @SuppressWarnings("unchecked") // the future of the read made above, of the type asked for
            T result = (T) read.result().join();
            return result;
        } catch (CompletionException e) {
            if (e.getCause() instanceof SQLException sql) {
                throw sql;
            }
            throw e;
        }
    }

    /** Reads waiting for a connection now. */
    int waiting() {
        return waiting.size();
    }

    private void run(List<Read> batch) {
        List<PointRead> points = new ArrayList<>();
        List<RangeRead> ranges = new ArrayList<>();
        for (Read read : batch) {
            switch (read) {
                case PointRead point -> points.add(point);
                case RangeRead range -> ranges.add(range);
            }
        }
        try (Connection connection = pool.getConnection()) {
            if (!points.isEmpty()) {
                answer(points, readPoints(connection, points));
            }
            if (!ranges.isEmpty()) {
                answerRanges(ranges, readRanges(connection, ranges));
            }
        } catch (SQLException | RuntimeException e) {
            batch.forEach(read -> read.result().completeExceptionally(e)); // no effect on those answered
        }
    }

    private TreeMap<byte[], byte[]> readPoints(Connection connection, List<PointRead> points) throws SQLException {
        TreeSet<byte[]> keys = new TreeSet<>(Keys.ORDER);
        points.forEach(read -> keys.addAll(read.keys()));
        if (keys.size() != 1) {
            return table.selectAll(connection, keys);
        }
        TreeMap<byte[], byte[]> found = new TreeMap<>(Keys.ORDER); // a lone key: the plain point read, cheaper
        byte[] value = table.select(connection, keys.first());
        if (value != null) {
            found.put(keys.first(), value);
        }
        return found;
    }

    private static void answer(List<PointRead> points, TreeMap<byte[], byte[]> found) {
        for (PointRead read : points) {
            TreeMap<byte[], byte[]> own = new TreeMap<>(Keys.ORDER);
            for (byte[] key : read.keys()) {
                byte[] value = found.get(key);
                if (value != null) {
                    own.put(key, value);
                }
            }
            read.result().complete(own);
        }
    }

    private List<List<KeyValue>> readRanges(Connection connection, List<RangeRead> reads) throws SQLException {
        List<KvTable.Range> ranges = reads.stream().map(RangeRead::range).toList();
        return table.selectRanges(connection, ranges);
    }

    private static void answerRanges(List<RangeRead> reads, List<List<KeyValue>> entries) {
        for (int i = 0; i < reads.size(); i++) {
            reads.get(i).result().complete(entries.get(i));
        }
    }
}
