package dev.mu2sls.store.rocksdb;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.mu2sls.store.CommitHold;
import dev.mu2sls.store.KeyValue;
import dev.mu2sls.store.Keys;
import dev.mu2sls.store.OptimisticTransaction;
import dev.mu2sls.store.Store;
import dev.mu2sls.store.StoreConflictException;
import dev.mu2sls.store.StoreStats;
import dev.mu2sls.store.StoreTransaction;
import dev.mu2sls.store.WriteBuffer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.FlushOptions;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The embedded durable {@link Store}: RocksDB, with serializable transactions by optimistic
 * concurrency control (every point and range read validated under a short commit lock, as
 * {@code MemoryStore} does), and a write-ahead log synced before a commit returns.
 *
 * <p>Recently read and written values are kept in memory ({@link RecentValues}), so most reads
 * and most of a commit's validation do not reach RocksDB.
 *
 * <h2>Durability and group commit</h2>
 * A commit writes its batch under the commit lock without syncing, then waits until the WAL is
 * synced past it: one committer syncs for everyone waiting, so concurrent commits share one
 * {@code fsync}. A read-only transaction's commit also waits until everything it could have read
 * is synced, so nothing a client is told can be lost. With {@code syncOnCommit = false}, commits
 * survive a process crash (the WAL is in the OS cache) but not a machine crash.
 *
 * <h2>Errors</h2>
 * Opening a directory held by another process, or one that is not a mu2sls store, fails with an
 * {@link IllegalStateException} that says which and what to do.
 */
public final class RocksStore implements Store {
    private static final byte[] MARKER_KEY = "\0mu2sls-store".getBytes(UTF_8);
    private static final byte[] MARKER_VALUE = "v1".getBytes(UTF_8);
    private static final int RECENT_VALUES = 1 << 17; // entries; values are shared with the writers, not copied
    private static final long RECENT_VALUE_BYTES = 64L << 20;

    static {
        RocksDB.loadLibrary();
    }

    private final Path directory;
    private final boolean syncOnCommit;
    private final Options options;
    private final RocksDB db;
    private final WriteOptions unsynced = new WriteOptions().setSync(false);
    private final BloomFilter bloomFilter = new BloomFilter(10);
    private final ReentrantLock commitLock = new ReentrantLock();
    private final RecentValues recent;
    private final ExecutorService syncer = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("mu2sls-rocksdb-syncer").factory());
    private final ReentrantLock syncLock = new ReentrantLock();
    private final Condition syncDone = syncLock.newCondition();
    private volatile long syncedSequence; // written under syncLock
    private boolean syncing; // guarded by syncLock
    private final LongAdder commits = new LongAdder();
    private final LongAdder conflicts = new LongAdder();
    private final LongAdder reads = new LongAdder();
    private final LongAdder syncs = new LongAdder();
    private volatile boolean closed;

    private RocksStore(Path directory, boolean syncOnCommit, int recentValues, long recentValueBytes) {
        this.directory = directory;
        this.syncOnCommit = syncOnCommit;
        this.recent = new RecentValues(recentValues, recentValueBytes);
        boolean fresh = checkDirectory(directory);
        // Writes only fill the WAL buffer under the commit lock; the group syncer flushes and syncs it.
        // Bloom filters: the engine reads many keys that do not exist (fresh requests, empty state).
        this.options = new Options()
                .setCreateIfMissing(true)
                .setIncreaseParallelism(2)
                .setManualWalFlush(true)
                .setTableFormatConfig(new BlockBasedTableConfig().setFilterPolicy(bloomFilter));
        try {
            this.db = RocksDB.open(options, directory.toString());
        } catch (RocksDBException e) {
            options.close();
            bloomFilter.close();
            String status = String.valueOf(e.getMessage());
            if (status.contains("lock") || status.contains("LOCK")) {
                throw new IllegalStateException(
                        "store directory " + directory + " is in use by another process "
                                + "(its RocksDB LOCK is held); stop that process or choose another directory",
                        e);
            }
            throw new IllegalStateException("cannot open RocksDB store in " + directory + ": " + status, e);
        }
        try {
            byte[] marker = db.get(MARKER_KEY);
            if (marker == null && !fresh) {
                close();
                throw new IllegalStateException(
                        "directory " + directory + " holds a RocksDB database that is not a mu2sls "
                                + "store; choose an empty directory or one a mu2sls store created");
            }
            if (marker == null) {
                db.put(new WriteOptions().setSync(true), MARKER_KEY, MARKER_VALUE);
            }
            this.syncedSequence = db.getLatestSequenceNumber();
        } catch (RocksDBException e) {
            close();
            throw new IllegalStateException("cannot read store marker in " + directory + ": " + e.getMessage(), e);
        }
    }

    /**
     * Opens (creating if needed) the store in {@code directory}.
     *
     * @param syncOnCommit sync the write-ahead log before a commit returns (the default for
     *     production; concurrent commits share syncs)
     */
    public static RocksStore open(Path directory, boolean syncOnCommit) {
        return new RocksStore(directory, syncOnCommit, RECENT_VALUES, RECENT_VALUE_BYTES);
    }

    /** For tests: a store that remembers few values in little memory, so that eviction is frequent. */
    static RocksStore open(Path directory, boolean syncOnCommit, int recentValues, long recentValueBytes) {
        return new RocksStore(directory, syncOnCommit, recentValues, recentValueBytes);
    }

    /** Whether the directory is new (absent or empty); fails if it holds something other than RocksDB files. */
    private static boolean checkDirectory(Path directory) {
        try {
            if (!Files.exists(directory)) {
                Files.createDirectories(directory);
                return true;
            }
            if (!Files.isDirectory(directory)) {
                throw new IllegalStateException(directory + " is a file, not a store directory");
            }
            try (Stream<Path> entries = Files.list(directory)) {
                List<String> names =
                        entries.map(p -> p.getFileName().toString()).toList();
                if (names.isEmpty()) {
                    return true;
                }
                if (!names.contains("CURRENT")) {
                    throw new IllegalStateException("directory " + directory + " is not a mu2sls store (it holds "
                            + names.stream().limit(5).toList()
                            + " but no RocksDB database); choose an empty directory");
                }
                return false;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use store directory " + directory, e);
        }
    }

    public Path directory() {
        return directory;
    }

    @Override
    public byte[] get(byte[] key) {
        checkOpen();
        reads.increment();
        return read(key, recent.stamp());
    }

    /** The key's committed value, from memory if known, else from RocksDB (and then remembered). */
    private byte[] read(byte[] key, long stamp) {
        byte[] value = recent.lookup(key);
        if (value != RecentValues.UNKNOWN) {
            return value;
        }
        value = readDatabase(key);
        recent.offer(key, value, stamp);
        return value;
    }

    private byte[] readDatabase(byte[] key) {
        try {
            return db.get(key);
        } catch (RocksDBException e) {
            throw new IllegalStateException("RocksDB read failed in " + directory + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<KeyValue> scan(byte[] fromInclusive, byte[] toExclusive, int limit) {
        checkOpen();
        reads.increment();
        return scanDatabase(fromInclusive, toExclusive, limit);
    }

    private List<KeyValue> scanDatabase(byte[] from, byte[] to, int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("scan limit must be positive: " + limit);
        }
        List<KeyValue> result = new ArrayList<>();
        // The upper bound stops the iterator at the range's end: without it, next() past the last
        // key in range skips every deletion tombstone up to the next live key, and the engine
        // deletes each transaction's provisional records, so whole key ranges are tombstones until
        // compaction (W5 spent most of its CPU in RocksIterator.next0Jni).
        try (Slice upperBound = to == null ? null : new Slice(to);
                ReadOptions options =
                        upperBound == null ? new ReadOptions() : new ReadOptions().setIterateUpperBound(upperBound);
                RocksIterator it = db.newIterator(options)) {
            if (from == null || Keys.ORDER.compare(from, MARKER_KEY) <= 0) {
                it.seek(MARKER_KEY);
                if (it.isValid() && Arrays.equals(it.key(), MARKER_KEY)) {
                    it.next();
                }
                if (from != null && it.isValid() && Keys.ORDER.compare(it.key(), from) < 0) {
                    it.seek(from);
                }
            } else {
                it.seek(from);
            }
            while (it.isValid() && result.size() < limit) {
                byte[] key = it.key();
                if (to != null && Keys.ORDER.compare(key, to) >= 0) {
                    break;
                }
                if (!Arrays.equals(key, MARKER_KEY)) {
                    result.add(new KeyValue(key, it.value()));
                }
                it.next();
            }
        }
        return result;
    }

    @Override
    public StoreTransaction begin() {
        checkOpen();
        return new RocksTransaction();
    }

    /** Takes the commit lock: other threads' commits wait at it, the holder's take it again. */
    @Override
    public CommitHold holdCommits() {
        checkOpen();
        return CommitHold.of(commitLock);
    }

    @Override
    public StoreStats stats() {
        return new StoreStats(commits.sum(), conflicts.sum(), reads.sum(), syncs.sum());
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        commitLock.lock();
        try {
            if (db != null) {
                try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
                    db.flushWal(true);
                    db.flush(flush);
                } catch (RocksDBException ignored) {
                    // closing anyway; the WAL replays on the next open
                }
                db.close();
            }
            syncer.shutdownNow();
            unsynced.close();
            options.close();
            bloomFilter.close();
        } finally {
            commitLock.unlock();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("store " + directory + " is closed");
        }
    }

    /** Waits until the WAL is synced up to {@code sequence}; one waiter syncs for all (group commit). */
    private void awaitSynced(long sequence) {
        if (!syncOnCommit) {
            return;
        }
        syncLock.lock();
        try {
            while (syncedSequence < sequence && syncing) {
                syncDone.awaitUninterruptibly();
            }
            if (syncedSequence >= sequence) {
                return;
            }
            syncing = true;
        } finally {
            syncLock.unlock();
        }
        long target = db.getLatestSequenceNumber();
        boolean synced = false;
        try {
            // On a platform thread: a virtual thread blocked in JNI would pin one of the few carriers.
            syncer.submit(() -> {
                        db.flushWal(true);
                        return null;
                    })
                    .get();
            syncs.increment();
            synced = true;
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "syncing the write-ahead log of " + directory + " failed: "
                            + e.getCause().getMessage(),
                    e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while syncing the write-ahead log of " + directory, e);
        } finally {
            syncLock.lock();
            try {
                syncing = false;
                if (synced) {
                    syncedSequence = Math.max(syncedSequence, target);
                }
                syncDone.signalAll();
            } finally {
                syncLock.unlock();
            }
        }
        if (syncedSequence < sequence) {
            awaitSynced(sequence);
        }
    }

    private final class RocksTransaction extends OptimisticTransaction {
        private final List<PointRead> pointReads = new ArrayList<>(4);
        private final List<ScanRead> scans = new ArrayList<>(0);

        /** A read and the stamp taken before it: validation skips it if its key was not written since. */
        private record PointRead(byte[] key, byte[] value, long stamp) {}

        private record ScanRead(byte[] from, byte[] to, int limit, List<KeyValue> seen, long stamp) {}

        @Override
        protected byte[] readCommitted(byte[] key) {
            long stamp = recent.stamp();
            byte[] value = read(key, stamp);
            pointReads.add(new PointRead(key, value, stamp));
            return value;
        }

        @Override
        protected List<KeyValue> scanCommitted(byte[] from, byte[] to, int fetchLimit) {
            long stamp = recent.stamp();
            List<KeyValue> committed = scanDatabase(from, to, fetchLimit);
            scans.add(new ScanRead(from, to, fetchLimit, committed, stamp));
            return committed;
        }

        @Override
        protected void validateAndApply() {
            checkOpen();
            long sequence;
            commitLock.lock();
            try {
                if (!valid()) {
                    conflicts.increment();
                    throw new StoreConflictException("a concurrent transaction changed data this transaction read");
                }
                if (!commitConditionHolds()) {
                    conflicts.increment();
                    throw new StoreConflictException("the transaction's commit condition no longer held");
                }
                if (!writes().isEmpty()) {
                    apply(writes());
                }
                sequence = db.getLatestSequenceNumber();
                commits.increment();
            } finally {
                commitLock.unlock();
            }
            awaitSynced(sequence);
        }

        private void apply(WriteBuffer writes) {
            try (WriteBatch batch = new WriteBatch()) {
                writes.forEach((key, value) -> {
                    try {
                        if (value == null) {
                            batch.delete(key);
                        } else {
                            batch.put(key, value);
                        }
                    } catch (RocksDBException e) {
                        throw new IllegalStateException(
                                "RocksDB batch failed in " + directory + ": " + e.getMessage(), e);
                    }
                });
                long number = recent.beginCommit(writes);
                try {
                    db.write(unsynced, batch);
                    if (!syncOnCommit) {
                        db.flushWal(false); // to the OS: survives a process crash without a sync
                    }
                } catch (RocksDBException e) {
                    recent.abortCommit(writes, number);
                    throw new IllegalStateException("RocksDB write failed in " + directory + ": " + e.getMessage(), e);
                }
                recent.endCommit(number);
            }
        }

        private boolean valid() {
            for (PointRead read : pointReads) {
                if (recent.unwrittenSince(read.key, read.stamp)) {
                    continue;
                }
                byte[] current = recent.lookup(read.key);
                if (current == RecentValues.UNKNOWN) {
                    current = readDatabase(read.key);
                }
                if (!Arrays.equals(current, read.value)) {
                    return false;
                }
            }
            for (ScanRead scan : scans) {
                if (recent.rangeUnwrittenSince(scan.from, scan.to, scan.stamp)) {
                    continue;
                }
                if (!Keys.sameEntries(scanDatabase(scan.from, scan.to, scan.limit), scan.seen)) {
                    return false;
                }
            }
            return true;
        }
    }
}
