package dev.mu2sls.store;

import java.util.ArrayList;
import java.util.Iterator;
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
            Versioned current = current(key);
            readKeys.add(key);
            readVersions.add(versionOf(current));
            return current == null ? null : current.value;
        }

        @Override
        public List<KeyValue> scan(byte[] fromInclusive, byte[] toExclusive, int limit) {
            checkActive();
            checkLimit(limit);
            Iterator<Map.Entry<byte[], Versioned>> committed = live(range(fromInclusive, toExclusive));
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

        /** Lazily, the entries of a range whose keys are not deleted, with one value read per key. */
        private static Iterator<Map.Entry<byte[], Versioned>> live(NavigableMap<byte[], Slot> range) {
            Iterator<Map.Entry<byte[], Slot>> slots = range.entrySet().iterator();
            return new Iterator<>() {
                private Map.Entry<byte[], Versioned> next = advance();

                private Map.Entry<byte[], Versioned> advance() {
                    while (slots.hasNext()) {
                        Map.Entry<byte[], Slot> entry = slots.next();
                        Versioned current = entry.getValue().current;
                        if (current != null) {
                            return Map.entry(entry.getKey(), current);
                        }
                    }
                    return null;
                }

                @Override
                public boolean hasNext() {
                    return next != null;
                }

                @Override
                public Map.Entry<byte[], Versioned> next() {
                    if (next == null) {
                        throw new java.util.NoSuchElementException();
                    }
                    Map.Entry<byte[], Versioned> result = next;
                    next = advance();
                    return result;
                }
            };
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
                        apply(write.getKey(), write.getValue() == TOMBSTONE ? null : write.getValue(), version);
                    }
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
                        ? (read.from == null ? data.headMap(read.upper, true) : data.subMap(read.from, true, read.upper, true))
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
