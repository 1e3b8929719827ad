package dev.mu2sls.store.rocksdb;

import dev.mu2sls.store.ByteKey;
import dev.mu2sls.store.Keys;
import dev.mu2sls.store.WriteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The values of recently read and written keys, so that reads and commit validation need not cross
 * into RocksDB (a JNI call and a memtable search each; together they were a third of the CPU).
 *
 * <h2>Why a cached value is the committed one</h2>
 * The {@link RocksStore} is its database's only writer: RocksDB's LOCK file keeps other processes
 * out, and every commit goes through the store's commit lock. Under that lock a commit numbers
 * itself, marks the stripes of the keys it writes with its number, puts its values here, applies
 * them to RocksDB and only then publishes its number ({@link #stamp()}). A value read from RocksDB
 * is added only if its key's stripe shows no commit started since the reader took its stamp. So a
 * key present here holds its latest value, except that during a commit the new value is here a
 * moment before RocksDB has it: a reader never sees a key go back to an older value.
 *
 * <h2>Validation without reading</h2>
 * A read taken at stamp {@code s} is still current at the commit lock if its key's stripe is at
 * most {@code s}: every commit since then wrote only keys of other stripes. Otherwise the current
 * value is compared, from here or from RocksDB. A scan taken at stamp {@code s} is still current
 * if none of the last {@value #COMMITS_KEPT} commits' keys since {@code s} is in its range;
 * otherwise it is scanned again.
 *
 * <h2>Memory</h2>
 * The map holds at most {@code capacity} entries and about {@code maxBytes} of keys and values
 * (counted as their lengths plus a fixed overhead per entry); a value over a sixteenth of that
 * budget is never kept, and a commit that writes one drops the key. A commit that finds the map
 * over either bound evicts entries, in no particular order, down to three quarters of it; readers
 * stop adding values at the bounds.
 */
final class RecentValues {
    /** What {@link #lookup} answers for a key it does not know; compare by identity. */
    static final byte[] UNKNOWN = new byte[0];

    private static final byte[] ABSENT = new byte[0];
    private static final int STRIPES = 1 << 14;
    private static final int COMMITS_KEPT = 1 << 12;
    private static final int ENTRY_OVERHEAD = 96; // map node, key record and arrays' headers, roughly

    private final ConcurrentHashMap<ByteKey, byte[]> values = new ConcurrentHashMap<>();
    private final AtomicLongArray stripes = new AtomicLongArray(STRIPES);
    private final byte[][][] keysWritten = new byte[COMMITS_KEPT][][]; // by commit number; under the commit lock
    private final AtomicLong bytes = new AtomicLong();
    private final int capacity;
    private final long maxBytes;
    private final long maxEntryBytes;
    private volatile long applied; // the newest commit whose writes are all in RocksDB; written under the commit lock

    RecentValues(int capacity, long maxBytes) {
        if (capacity <= 0 || maxBytes <= 0) {
            throw new IllegalArgumentException("recent values need a positive capacity and byte budget: " + capacity
                    + " entries, " + maxBytes + " bytes");
        }
        this.capacity = capacity;
        this.maxBytes = maxBytes;
        this.maxEntryBytes = maxBytes / 16;
    }

    /** Taken before a read: the commits whose writes the read is sure to see. */
    long stamp() {
        return applied;
    }

    /** The key's value ({@code null}: absent), or {@link #UNKNOWN}. */
    byte[] lookup(byte[] key) {
        byte[] value = values.get(new ByteKey(key));
        if (value == null) {
            return UNKNOWN;
        }
        return value == ABSENT ? null : value;
    }

    /** Keeps a value read from RocksDB after taking {@code stamp}, unless a commit has written its key since. */
    void offer(byte[] key, byte[] value, long stamp) {
        long entryBytes = entryBytes(key, value);
        if (entryBytes > maxEntryBytes || values.size() >= capacity || bytes.get() >= maxBytes) {
            return;
        }
        // Checked inside the map's bin lock: a commit that marks the stripe later also puts its value later.
        values.computeIfAbsent(new ByteKey(key), k -> {
            if (stripes.get(stripe(k)) > stamp) {
                return null;
            }
            bytes.addAndGet(entryBytes);
            return orAbsent(value);
        });
    }

    /** Whether no commit has written the key's stripe since {@code stamp}. Call under the commit lock. */
    boolean unwrittenSince(byte[] key, long stamp) {
        return stripes.get(stripe(new ByteKey(key))) <= stamp;
    }

    /** Whether no commit since {@code stamp} wrote a key in {@code [from, to)}, as far as is known. Under the commit lock. */
    boolean rangeUnwrittenSince(byte[] from, byte[] to, long stamp) {
        if (applied - stamp >= COMMITS_KEPT) {
            return false;
        }
        for (long commit = stamp + 1; commit <= applied; commit++) {
            for (byte[] key : keysWritten[slot(commit)]) {
                if (Keys.inRange(key, from, to)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Marks and caches a commit's writes before they are applied; returns the commit's number. Under the commit lock. */
    long beginCommit(WriteBuffer writes) {
        long number = applied + 1;
        List<byte[]> keys = new ArrayList<>();
        writes.forEach((key, value) -> {
            ByteKey cacheKey = new ByteKey(key);
            stripes.set(stripe(cacheKey), number);
            long entryBytes = entryBytes(key, value);
            if (entryBytes > maxEntryBytes) {
                forget(cacheKey);
            } else {
                byte[] old = values.put(cacheKey, orAbsent(value));
                bytes.addAndGet(entryBytes - (old == null ? 0 : entryBytes(key, old)));
            }
            keys.add(key);
        });
        keysWritten[slot(number)] = keys.toArray(byte[][]::new);
        return number;
    }

    private static int slot(long commit) {
        return (int) (commit & (COMMITS_KEPT - 1));
    }

    /** Publishes a commit whose writes RocksDB now has. Under the commit lock. */
    void endCommit(long number) {
        applied = number;
        if (values.size() > capacity || bytes.get() > maxBytes) {
            evict();
        }
    }

    /** Forgets a commit's writes that RocksDB refused: what it holds for those keys is no longer known. */
    void abortCommit(WriteBuffer writes, long number) {
        writes.forEach((key, value) -> forget(new ByteKey(key)));
        applied = number;
    }

    private void forget(ByteKey key) {
        byte[] old = values.remove(key);
        if (old != null) {
            bytes.addAndGet(-entryBytes(key.bytes(), old));
        }
    }

    private void evict() {
        Iterator<Map.Entry<ByteKey, byte[]>> entries = values.entrySet().iterator();
        while ((values.size() > capacity * 3 / 4 || bytes.get() > maxBytes * 3 / 4) && entries.hasNext()) {
            Map.Entry<ByteKey, byte[]> entry = entries.next();
            entries.remove();
            bytes.addAndGet(-entryBytes(entry.getKey().bytes(), entry.getValue()));
        }
    }

    private static long entryBytes(byte[] key, byte[] value) {
        return ENTRY_OVERHEAD + key.length + (value == null ? 0 : value.length);
    }

    private static byte[] orAbsent(byte[] value) {
        return value == null ? ABSENT : value;
    }

    private static int stripe(ByteKey key) {
        return (key.hash() ^ (key.hash() >>> 16)) & (STRIPES - 1);
    }
}
