package dev.mu2sls.spec;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.mu2sls.spi.Codec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The write log of a spec run, shared by the state of all its services: an undo log (so that a
 * transaction abort, or a checker backtracking, returns to an earlier state in time proportional
 * to the writes undone, not to the size of the state) and an order-independent hash of the whole
 * state, kept up to date write by write.
 *
 * <p>The hash is the sum over entries of a mixed 64-bit hash of (service, state name, key, value
 * bytes), so equal states have equal hashes whatever order their writes happened in; different
 * states collide with probability about 2<sup>-64</sup>.
 *
 * <p>Given a target state (the implementation's final state), it also counts the entries that
 * equal the target's, so that a checker can tell at no cost whether the state equals the target
 * and which step brings it closer.
 *
 * <p>Undo entries are kept only while someone may roll back: while a request runs (a handler that
 * throws has the writes of its last segment undone), while a transaction is open, or once a
 * snapshot was taken. Between requests a run without snapshots keeps no log.
 */
final class SpecLog {
    /** One write, undone by putting {@code previous} back (null: the key was absent) and the counters as they were. */
    private record Undo(
            Map<Object, byte[]> entries,
            Object key,
            byte[] previous,
            long previousHash,
            int previousSize,
            int previousMatching) {}

    /**
     * A map or the values of one service, as the log hashes and renders its entries.
     *
     * @param nameHash hash of the service and state name
     * @param dumpPrefix {@code Service.name[} for a map, {@code Service.} for values
     * @param keyed whether entries render as {@code prefix + key + "]"} (a map) or {@code prefix + name}
     */
    record Table(long nameHash, String dumpPrefix, boolean keyed) {}

    private final Codec codec;
    private final List<Undo> undo = new ArrayList<>();
    private long hash;
    private int size;
    private int openTransactions;
    /** Requests running (client requests and the calls they made): their failing segments are undone. */
    private int openRequests;

    private boolean snapshotsTaken;
    /** Sorted hashes of the target's rendered entries, or null when no target is set. */
    private long[] target;

    private int matching;
    /** Rendered keys written since the last {@link #takeWrites()}, while collecting. */
    private List<String> collected;

    SpecLog(Codec codec) {
        this.codec = codec;
    }

    long hash() {
        return hash;
    }

    /** How many entries the whole state has. */
    int size() {
        return size;
    }

    /** How many entries equal the target's (0 without a target). */
    int matching() {
        return matching;
    }

    /** Whether a target was set and the state equals it (up to 64-bit hash collisions). */
    boolean matchesTarget() {
        return target != null && size == target.length && matching == size;
    }

    /**
     * Sets the state to compare with, rendered as {@code Inspector.dumpState()} renders it, and
     * counts the current entries that match it; {@code current} is the present state, rendered
     * the same way.
     */
    void target(Map<String, String> state, Map<String, String> current) {
        long[] hashes = new long[state.size()];
        int i = 0;
        for (Map.Entry<String, String> entry : state.entrySet()) {
            hashes[i++] = renderedHash(entry.getKey(), entry.getValue());
        }
        Arrays.sort(hashes);
        target = hashes;
        matching = 0;
        current.forEach((key, value) -> matching += inTarget(renderedHash(key, value)) ? 1 : 0);
    }

    int position() {
        return undo.size();
    }

    /** Starts (or stops) collecting the keys written, rendered as in dumps. */
    void collectWrites(boolean on) {
        collected = on ? new ArrayList<>() : null;
    }

    /** The keys written since the last call, rendered as in dumps (empty when not collecting). */
    List<String> takeWrites() {
        if (collected == null) {
            return List.of();
        }
        List<String> taken = collected;
        collected = new ArrayList<>();
        return taken;
    }

    /** Records that {@code entries[key]} of {@code table} went from {@code previous} to {@code next} (either may be null). */
    void written(Map<Object, byte[]> entries, Table table, Object key, byte[] previous, byte[] next) {
        if (collected != null) {
            collected.add(table.keyed() ? table.dumpPrefix() + render(key) + "]" : table.dumpPrefix() + key);
        }
        if (openTransactions > 0 || openRequests > 0 || snapshotsTaken) {
            undo.add(new Undo(entries, key, previous, hash, size, matching));
        }
        if (previous != null) {
            hash -= entryHash(table.nameHash(), key, previous);
            size--;
            if (target != null && inTarget(renderedHash(table, key, previous))) {
                matching--;
            }
        }
        if (next != null) {
            hash += entryHash(table.nameHash(), key, next);
            size++;
            if (target != null && inTarget(renderedHash(table, key, next))) {
                matching++;
            }
        }
    }

    /** Undoes every write after {@code position}, newest first. */
    void rollBack(int position) {
        if (position > undo.size()) {
            throw new IllegalStateException("cannot roll back to write " + position + ": the log has " + undo.size()
                    + " writes; a snapshot taken later was already restored past it");
        }
        for (int i = undo.size() - 1; i >= position; i--) {
            Undo u = undo.remove(i);
            if (u.previous() == null) {
                u.entries().remove(u.key());
            } else {
                u.entries().put(u.key(), u.previous());
            }
            hash = u.previousHash();
            size = u.previousSize();
            matching = u.previousMatching();
        }
    }

    void snapshotTaken() {
        snapshotsTaken = true;
    }

    void transactionBegun() {
        openTransactions++;
    }

    void transactionEnded() {
        openTransactions--;
        dropUndoIfUnneeded();
    }

    void requestBegun() {
        openRequests++;
    }

    void requestEnded() {
        openRequests--;
        dropUndoIfUnneeded();
    }

    private void dropUndoIfUnneeded() {
        if (openTransactions == 0 && openRequests == 0 && !snapshotsTaken) {
            undo.clear();
        }
    }

    /** How {@code Inspector.dumpState()} renders a key: quoted if a string. */
    static String render(Object key) {
        return key instanceof String s ? '"' + s + '"' : String.valueOf(key);
    }

    private boolean inTarget(long renderedHash) {
        return Arrays.binarySearch(target, renderedHash) >= 0;
    }

    private long renderedHash(Table table, Object key, byte[] value) {
        String rendered = table.keyed() ? table.dumpPrefix() + render(key) + "]" : table.dumpPrefix() + key;
        return renderedHash(rendered, codec.toJson(value));
    }

    private static long renderedHash(String key, String json) {
        return mix(stringHash(key) * 31 + stringHash(json));
    }

    static long nameHash(String service, String name) {
        return mix(stringHash(service) * 31 + stringHash(name));
    }

    private static long entryHash(long nameHash, Object key, byte[] value) {
        return mix(nameHash ^ mix(keyHash(key) + 0x632BE59BD9B4E019L) ^ mix(bytesHash(value) + 0x8CB92BA72F3D8DD7L));
    }

    private static long keyHash(Object key) {
        return switch (key) {
            case String s -> stringHash(s);
            case UUID u -> mix(u.getMostSignificantBits()) ^ u.getLeastSignificantBits();
            case Long l -> mix(l);
            case Integer i -> mix(i);
            default -> stringHash(key.getClass().getName() + ":" + key);
        };
    }

    private static long stringHash(String s) {
        return bytesHash(s.getBytes(UTF_8));
    }

    /** FNV-1a over the bytes, then mixed. */
    private static long bytesHash(byte[] bytes) {
        long h = 0xCBF29CE484222325L;
        for (byte b : bytes) {
            h = (h ^ (b & 0xFF)) * 0x100000001B3L;
        }
        return mix(h ^ bytes.length);
    }

    /** The SplitMix64 finalizer. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
