package dev.mu2sls.store.postgres;

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
import java.util.concurrent.atomic.LongAdder;
import javax.sql.DataSource;

/**
 * Point reads of committed data, merged: reads that arrive while every read connection is busy
 * wait, and the first of them to get a connection reads the keys of all that waited in one
 * {@code = ANY(array)} statement. A process serving many requests at once (a function at 64
 * clients) then costs PostgreSQL one statement, and one autocommit transaction, per batch instead
 * of per read; a read that finds a connection free runs alone, at once. Each read still sees one
 * moment (its statement's READ COMMITTED snapshot), so merging changes no result.
 */
final class ReadBatcher {
    /** The keys one read asked for, and what they held. */
    private record Read(Collection<byte[]> keys, CompletableFuture<TreeMap<byte[], byte[]>> found) {}

    private final KvTable table;
    private final DataSource pool;
    /** One per read connection: held while a statement runs. */
    final Semaphore connections;

    private final ConcurrentLinkedQueue<Read> waiting = new ConcurrentLinkedQueue<>();
    private final LongAdder statements = new LongAdder();

    ReadBatcher(KvTable table, DataSource pool, int connections) {
        this.table = table;
        this.pool = pool;
        this.connections = new Semaphore(connections);
    }

    /** The committed values of {@code keys} (absent keys missing from the map). */
    TreeMap<byte[], byte[]> read(Collection<byte[]> keys) throws SQLException {
        Read read = new Read(keys, new CompletableFuture<>());
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
            return read.found().join();
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

    /** Statements run so far: fewer than reads when reads were merged. */
    long statements() {
        return statements.sum();
    }

    /** A lone key: the plain point read, cheaper than an array of one. */
    private TreeMap<byte[], byte[]> selectOne(Connection connection, byte[] key) throws SQLException {
        TreeMap<byte[], byte[]> found = new TreeMap<>(Keys.ORDER);
        byte[] value = table.select(connection, key);
        if (value != null) {
            found.put(key, value);
        }
        return found;
    }

    private void run(List<Read> batch) {
        TreeSet<byte[]> keys = new TreeSet<>(Keys.ORDER);
        batch.forEach(read -> keys.addAll(read.keys()));
        TreeMap<byte[], byte[]> found;
        try (Connection connection = pool.getConnection()) {
            statements.increment();
            found = keys.size() == 1 ? selectOne(connection, keys.first()) : table.selectAll(connection, keys);
        } catch (SQLException | RuntimeException e) {
            batch.forEach(read -> read.found().completeExceptionally(e));
            return;
        }
        for (Read read : batch) {
            TreeMap<byte[], byte[]> own = new TreeMap<>(Keys.ORDER);
            for (byte[] key : read.keys()) {
                byte[] value = found.get(key);
                if (value != null) {
                    own.put(key, value);
                }
            }
            read.found().complete(own);
        }
    }
}
