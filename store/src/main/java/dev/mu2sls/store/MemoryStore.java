package dev.mu2sls.store;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An in-memory {@link Store} for tests, the simulator and the spec: optimistic concurrency
 * control with commit-time validation of every point read and range read under one short
 * commit lock, which makes transactions serializable at their commit point.
 *
 * <p>Byte arrays passed in or returned are shared, not copied; nobody may mutate them.
 */
public final class MemoryStore implements Store {
    private final ConcurrentSkipListMap<byte[], Versioned> data = new ConcurrentSkipListMap<>(Keys.ORDER);
    private final ReentrantLock commitLock = new ReentrantLock();
    private final LongAdder commits = new LongAdder();
    private final LongAdder conflicts = new LongAdder();
    private final LongAdder reads = new LongAdder();
    private long lastVersion; // guarded by commitLock
    private volatile boolean closed;

    private record Versioned(byte[] value, long version) {}

    @Override
    public byte[] get(byte[] key) {
        checkOpen();
        reads.increment();
        Versioned current = data.get(key);
        return current == null ? null : current.value;
    }

    @Override
    public List<KeyValue> scan(byte[] fromInclusive, byte[] toExclusive, int limit) {
        checkOpen();
        checkLimit(limit);
        reads.increment();
        List<KeyValue> result = new ArrayList<>();
        for (Map.Entry<byte[], Versioned> entry : range(fromInclusive, toExclusive).entrySet()) {
            if (result.size() >= limit) {
                break;
            }
            result.add(new KeyValue(entry.getKey(), entry.getValue().value));
        }
        return result;
    }

    @Override
    public StoreTransaction begin() {
        checkOpen();
        return new MemoryTransaction();
    }

    @Override
    public StoreStats stats() {
        return new StoreStats(commits.sum(), conflicts.sum(), reads.sum(), 0);
    }

    /** Number of keys stored; for tests and diagnostics. */
    public int size() {
        return data.size();
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

    private NavigableMap<byte[], Versioned> range(byte[] from, byte[] to) {
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

    private static long versionOf(Versioned versioned) {
        return versioned == null ? 0 : versioned.version;
    }

    /** A range read to validate at commit: the committed keys in {@code [from, upper]} and their versions. */
    private record RangeRead(byte[] from, byte[] upper, boolean upperInclusive, List<byte[]> keys, long[] versions) {}

    private final class MemoryTransaction implements StoreTransaction {
        private final List<byte[]> readKeys = new ArrayList<>(4);
        private final List<Long> readVersions = new ArrayList<>(4);
        private final List<RangeRead> rangeReads = new ArrayList<>(0);
        private final TreeMap<byte[], byte[]> writes = new TreeMap<>(Keys.ORDER);
        private static final byte[] TOMBSTONE = new byte[0];
        private boolean finished;

        @Override
        public byte[] get(byte[] key) {
            checkActive();
            byte[] written = writes.get(key);
            if (written != null) {
                return written == TOMBSTONE ? null : written;
            }
            Versioned current = data.get(key);
            readKeys.add(key);
            readVersions.add(versionOf(current));
            return current == null ? null : current.value;
        }

        @Override
        public List<KeyValue> scan(byte[] fromInclusive, byte[] toExclusive, int limit) {
            checkActive();
            checkLimit(limit);
            Iterator<Map.Entry<byte[], Versioned>> committed = range(fromInclusive, toExclusive).entrySet().iterator();
            Iterator<Map.Entry<byte[], byte[]>> own = ownRange(fromInclusive, toExclusive).entrySet().iterator();
            List<byte[]> seenKeys = new ArrayList<>();
            List<Long> seenVersions = new ArrayList<>();
            List<KeyValue> result = new ArrayList<>();
            Map.Entry<byte[], Versioned> c = next(committed);
            Map.Entry<byte[], byte[]> o = next(own);
            byte[] lastReturned = null;
            while (result.size() < limit && (c != null || o != null)) {
                int order = c == null ? 1 : o == null ? -1 : Keys.ORDER.compare(c.getKey(), o.getKey());
                if (order <= 0) {
                    seenKeys.add(c.getKey());
                    seenVersions.add(c.getValue().version);
                }
                if (order < 0) {
                    result.add(new KeyValue(c.getKey(), c.getValue().value));
                    lastReturned = c.getKey();
                    c = next(committed);
                } else {
                    if (o.getValue() != TOMBSTONE) {
                        result.add(new KeyValue(o.getKey(), o.getValue()));
                        lastReturned = o.getKey();
                    }
                    if (order == 0) {
                        c = next(committed);
                    }
                    o = next(own);
                }
            }
            boolean exhausted = result.size() < limit;
            long[] versions = seenVersions.stream().mapToLong(Long::longValue).toArray();
            rangeReads.add(exhausted
                    ? new RangeRead(fromInclusive, toExclusive, false, seenKeys, versions)
                    : new RangeRead(fromInclusive, lastReturned, true, seenKeys, versions));
            return result;
        }

        private NavigableMap<byte[], byte[]> ownRange(byte[] from, byte[] to) {
            if (writes.isEmpty()) {
                return writes;
            }
            NavigableMap<byte[], byte[]> view = writes;
            if (from != null) {
                view = view.tailMap(from, true);
            }
            if (to != null) {
                view = view.headMap(to, false);
            }
            return view;
        }

        private static <E> E next(Iterator<E> iterator) {
            return iterator.hasNext() ? iterator.next() : null;
        }

        @Override
        public void put(byte[] key, byte[] value) {
            checkActive();
            if (key == null || value == null) {
                throw new NullPointerException("key and value must not be null; use delete to remove a key");
            }
            writes.put(key, value);
        }

        @Override
        public void delete(byte[] key) {
            checkActive();
            writes.put(key, TOMBSTONE);
        }

        @Override
        public void commit() {
            checkActive();
            finished = true;
            checkOpen();
            commitLock.lock();
            try {
                if (!valid()) {
                    conflicts.increment();
                    throw new StoreConflictException("a concurrent transaction changed data this transaction read");
                }
                if (!writes.isEmpty()) {
                    long version = ++lastVersion;
                    for (Map.Entry<byte[], byte[]> write : writes.entrySet()) {
                        if (write.getValue() == TOMBSTONE) {
                            data.remove(write.getKey());
                        } else {
                            data.put(write.getKey(), new Versioned(write.getValue(), version));
                        }
                    }
                }
                commits.increment();
            } finally {
                commitLock.unlock();
            }
        }

        private boolean valid() {
            for (int i = 0; i < readKeys.size(); i++) {
                if (versionOf(data.get(readKeys.get(i))) != readVersions.get(i)) {
                    return false;
                }
            }
            for (RangeRead read : rangeReads) {
                NavigableMap<byte[], Versioned> now = read.upperInclusive
                        ? (read.from == null ? data.headMap(read.upper, true) : data.subMap(read.from, true, read.upper, true))
                        : range(read.from, read.upper);
                int i = 0;
                for (Map.Entry<byte[], Versioned> entry : now.entrySet()) {
                    if (i >= read.keys.size()
                            || Keys.ORDER.compare(entry.getKey(), read.keys.get(i)) != 0
                            || entry.getValue().version != read.versions[i]) {
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

        @Override
        public void rollback() {
            finished = true;
        }

        private void checkActive() {
            if (finished) {
                throw new IllegalStateException("transaction already committed or rolled back");
            }
        }
    }
}
