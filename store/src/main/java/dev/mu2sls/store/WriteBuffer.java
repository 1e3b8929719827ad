package dev.mu2sls.store;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * A transaction's uncommitted writes, for backends that apply them at commit: point reads and
 * scans see them merged over committed data (a transaction reads its own writes).
 */
public final class WriteBuffer {
    private static final byte[] TOMBSTONE = new byte[0];
    private final TreeMap<byte[], byte[]> writes = new TreeMap<>(Keys.ORDER);
    private TreeMap<byte[], Boolean> inserts; // created by the first insert: most transactions have none

    public void put(byte[] key, byte[] value) {
        if (key == null || value == null) {
            throw new NullPointerException("key and value must not be null; use delete to remove a key");
        }
        writes.put(key, value);
    }

    public void delete(byte[] key) {
        writes.put(key, TOMBSTONE);
        if (inserts != null) {
            inserts.remove(key);
        }
    }

    /** A put of a key that must not exist when the transaction commits. */
    public void insert(byte[] key, byte[] value) {
        put(key, value);
        if (inserts == null) {
            inserts = new TreeMap<>(Keys.ORDER);
        }
        inserts.put(key, Boolean.TRUE);
    }

    /** Whether {@code key}'s write is an insert of a key that must not exist yet. */
    public boolean isInsert(byte[] key) {
        return inserts != null && inserts.containsKey(key);
    }

    /** Whether any write is an {@link #insert}. */
    public boolean hasInserts() {
        return inserts != null && !inserts.isEmpty();
    }

    /** Whether {@code key} was written (put or deleted) in this transaction. */
    public boolean contains(byte[] key) {
        return writes.containsKey(key);
    }

    /** The value written under {@code key}, or null if it was deleted (ask {@link #contains} first). */
    public byte[] get(byte[] key) {
        byte[] value = writes.get(key);
        return value == TOMBSTONE ? null : value;
    }

    public boolean isEmpty() {
        return writes.isEmpty();
    }

    /** How many more committed entries a scan must fetch so that, after merging, {@code limit} remain. */
    public int extraFetch(byte[] from, byte[] to) {
        return writes.isEmpty() ? 0 : range(from, to).size();
    }

    /** {@code committed} entries of {@code [from, to)} with this buffer's writes merged in, at most {@code limit}. */
    public List<KeyValue> merge(List<KeyValue> committed, byte[] from, byte[] to, int limit) {
        NavigableMap<byte[], byte[]> own = writes.isEmpty() ? writes : range(from, to);
        if (own.isEmpty()) {
            // No own writes to merge: a read-only view (the caller may keep the committed list to validate).
            return Collections.unmodifiableList(committed.size() <= limit ? committed : committed.subList(0, limit));
        }
        TreeMap<byte[], byte[]> merged = new TreeMap<>(Keys.ORDER);
        for (KeyValue kv : committed) {
            merged.put(kv.key(), kv.value());
        }
        merged.putAll(own);
        List<KeyValue> result = new ArrayList<>();
        for (Map.Entry<byte[], byte[]> entry : merged.entrySet()) {
            if (result.size() == limit) {
                break;
            }
            if (entry.getValue() != TOMBSTONE) {
                result.add(new KeyValue(entry.getKey(), entry.getValue()));
            }
        }
        return result;
    }

    /** Each write in key order: {@code value} is null for a delete. */
    public void forEach(Write write) {
        for (Map.Entry<byte[], byte[]> entry : writes.entrySet()) {
            write.apply(entry.getKey(), entry.getValue() == TOMBSTONE ? null : entry.getValue());
        }
    }

    /** One buffered write; {@code value} null means delete. */
    @FunctionalInterface
    public interface Write {
        void apply(byte[] key, byte[] value);
    }

    private NavigableMap<byte[], byte[]> range(byte[] from, byte[] to) {
        NavigableMap<byte[], byte[]> view = writes;
        if (from != null) {
            view = view.tailMap(from, true);
        }
        if (to != null) {
            view = view.headMap(to, false);
        }
        return view;
    }
}
