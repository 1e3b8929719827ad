package dev.mu2sls.spec;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.ArrayList;
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
 * <p>Undo entries are kept only while someone may roll back: while a transaction is open, or once
 * a snapshot was taken. A plain sequential run without transactions keeps no log.
 */
final class SpecLog {
    /** One write, undone by putting {@code previous} back (null: the key was absent). */
    private record Undo(Map<Object, byte[]> entries, Object key, byte[] previous, long previousHash) {}

    private final List<Undo> undo = new ArrayList<>();
    private long hash;
    private int openTransactions;
    private boolean snapshotsTaken;

    long hash() {
        return hash;
    }

    int position() {
        return undo.size();
    }

    /** Records that {@code entries[key]} goes from {@code previous} to {@code next} (either may be null). */
    void written(Map<Object, byte[]> entries, long nameHash, Object key, byte[] previous, byte[] next) {
        long before = hash;
        if (previous != null) {
            hash -= entryHash(nameHash, key, previous);
        }
        if (next != null) {
            hash += entryHash(nameHash, key, next);
        }
        if (openTransactions > 0 || snapshotsTaken) {
            undo.add(new Undo(entries, key, previous, before));
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
        if (openTransactions == 0 && !snapshotsTaken) {
            undo.clear();
        }
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
