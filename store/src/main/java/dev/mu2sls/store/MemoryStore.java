package dev.mu2sls.store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An in-memory {@link Store} for tests, the simulator and the spec: optimistic concurrency
 * control with commit-time validation of every point read and range read under one short
 * commit lock, which makes transactions serializable at their commit point.
 *
 * <p>Each key has a {@link Slot} reachable from a hash index (point reads and updates in O(1),
 * whatever the store's size) and from an ordered skip list (scans); the skip list changes only
 * when keys are inserted or deleted. Writers hold the commit lock; readers never block.
 *
 * <p>Byte arrays passed in or returned are shared, not copied; nobody may mutate them.
 */
public final class MemoryStore implements Store {
    private final ConcurrentHashMap<ByteKey, Slot> index = new ConcurrentHashMap<>();
    private final ConcurrentSkipListMap<byte[], Slot> data = new ConcurrentSkipListMap<>(Keys.ORDER);
    private final ReentrantLock commitLock = new ReentrantLock();
    private final LongAdder commits = new LongAdder();
    private final LongAdder conflicts = new LongAdder();
    private final LongAdder reads = new LongAdder();
    private long lastVersion; // guarded by commitLock
    private volatile boolean closed;

    private record Versioned(byte[] value, long version) {}

    /** A key's current value; {@code current} is null once the key is deleted. Written under the commit lock. */
    private static final class Slot {
        volatile Versioned current;

        Slot(Versioned current) {
            this.current = current;
        }
    }

    private Versioned current(byte[] key) {
        Slot slot = index.get(new ByteKey(key));
        return slot == null ? null : slot.current;
    }

    @Override
    public byte[] get(byte[] key) {
        checkOpen();
        reads.increment();
        Versioned current = current(key);
        return current == null ? null : current.value;
    }

    @Override
    public List<KeyValue> scan(byte[] fromInclusive, byte[] toExclusive, int limit) {
        checkOpen();
        checkLimit(limit);
        reads.increment();
        List<KeyValue> result = new ArrayList<>();
        for (Map.Entry<byte[], Slot> entry : range(fromInclusive, toExclusive).entrySet()) {
            if (result.size() >= limit) {
                break;
            }
            Versioned current = entry.getValue().current;
            if (current != null) {
                result.add(new KeyValue(entry.getKey(), current.value));
            }
        }
        return result;
    }

    @Override
    public StoreTransaction begin() {
        checkOpen();
        return new MemoryTransaction();
    }

    /** Takes the commit lock: other threads' commits wait at it, the holder's take it again. */
    @Override
    public CommitHold holdCommits() {
        checkOpen();
        return CommitHold.of(commitLock);
    }

    @Override
    public StoreStats stats() {
        return new StoreStats(commits.sum(), conflicts.sum(), reads.sum(), 0);
    }

    /** Number of keys stored; for tests and diagnostics. */
    public int size() {
        return index.size();
    }

    @Override
    public void close() {
        closed = true;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("store is closed");
        }
    }

    private static void checkLimit(int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("scan limit must be positive: " + limit);
        }
    }

    private NavigableMap<byte[], Slot> range(byte[] from, byte[] to) {
        if (from == null && to == null) {
            return data;
        }
        if (from == null) {
            return data.headMap(to, false);
        }
        if (to == null) {
            return data.tailMap(from, true);
        }
        return Keys.ORDER.compare(from, to) >= 0 ? new TreeMap<>(Keys.ORDER) : data.subMap(from, true, to, false);
    }

    /** Applies one committed write; called under the commit lock. */
    private void apply(byte[] key, byte[] value, long version) {
        ByteKey hashed = new ByteKey(key);
        Slot slot = index.get(hashed);
        if (value == null) {
            if (slot != null) {
                slot.current = null;
                index.remove(hashed);
                data.remove(key);
            }
        } else if (slot != null) {
            slot.current = new Versioned(value, version);
        } else {
            slot = new Slot(new Versioned(value, version));
            index.put(hashed, slot);
            data.put(key, slot);
        }
    }

    private static long versionOf(Versioned versioned) {
        return versioned == null ? 0 : versioned.version;
    }

    /** A range read to validate at commit: the committed keys in {@code [from, upper]} and their versions. */
    private record RangeRead(byte[] from, byte[] upper, boolean upperInclusive, List<byte[]> keys, long[] versions) {}

    private final class MemoryTransaction extends OptimisticTransaction {
        private final List<byte[]> readKeys = new ArrayList<>(4);
        private final List<Long> readVersions = new ArrayList<>(4);
        private final List<RangeRead> rangeReads = new ArrayList<>(0);

        @Override
        protected byte[] readCommitted(byte[] key) {
            Versioned current = current(key);
            readKeys.add(key);
            readVersions.add(versionOf(current));
            return current == null ? null : current.value;
        }

        @Override
        protected List<KeyValue> scanCommitted(byte[] from, byte[] to, int fetchLimit) {
            List<KeyValue> result = new ArrayList<>();
            List<byte[]> seenKeys = new ArrayList<>();
            long[] versions = new long[8];
            for (Map.Entry<byte[], Slot> entry : range(from, to).entrySet()) {
                if (result.size() >= fetchLimit) {
                    break;
                }
                Versioned current = entry.getValue().current;
                if (current != null) {
                    if (seenKeys.size() == versions.length) {
                        versions = Arrays.copyOf(versions, versions.length * 2);
                    }
                    versions[seenKeys.size()] = current.version;
                    seenKeys.add(entry.getKey());
                    result.add(new KeyValue(entry.getKey(), current.value));
                }
            }
            long[] seenVersions = Arrays.copyOf(versions, seenKeys.size());
            // a scan cut short by its limit read only up to its last key: later keys may change
            rangeReads.add(
                    result.size() < fetchLimit
                            ? new RangeRead(from, to, false, seenKeys, seenVersions)
                            : new RangeRead(from, result.getLast().key(), true, seenKeys, seenVersions));
            return result;
        }

        @Override
        protected void validateAndApply() {
            checkOpen();
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
                    long version = ++lastVersion;
                    writes().forEach((key, value) -> apply(key, value, version));
                }
                commits.increment();
            } finally {
                commitLock.unlock();
            }
        }

        private boolean valid() {
            for (int i = 0; i < readKeys.size(); i++) {
                if (versionOf(current(readKeys.get(i))) != readVersions.get(i)) {
                    return false;
                }
            }
            for (RangeRead read : rangeReads) {
                NavigableMap<byte[], Slot> now = read.upperInclusive
                        ? (read.from == null
                                ? data.headMap(read.upper, true)
                                : data.subMap(read.from, true, read.upper, true))
                        : range(read.from, read.upper);
                int i = 0;
                for (Map.Entry<byte[], Slot> entry : now.entrySet()) {
                    Versioned current = entry.getValue().current;
                    if (current == null) {
                        continue;
                    }
                    if (i >= read.keys.size()
                            || Keys.ORDER.compare(entry.getKey(), read.keys.get(i)) != 0
                            || current.version != read.versions[i]) {
                        return false;
                    }
                    i++;
                }
                if (i != read.keys.size()) {
                    return false;
                }
            }
            return true;
        }
    }
}
