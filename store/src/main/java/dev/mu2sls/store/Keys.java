package dev.mu2sls.store;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/** Helpers for ordered byte keys. */
public final class Keys {
    /** Unsigned lexicographic order, the order of every store. */
    public static final Comparator<byte[]> ORDER = Arrays::compareUnsigned;

    private Keys() {}

    /** The first key after every key that starts with {@code prefix}, or {@code null} if none exists. */
    public static byte[] prefixEnd(byte[] prefix) {
        byte[] end = Arrays.copyOf(prefix, prefix.length);
        for (int i = end.length - 1; i >= 0; i--) {
            if (end[i] != (byte) 0xFF) {
                end[i]++;
                return Arrays.copyOf(end, i + 1);
            }
        }
        return null;
    }

    /** Whether two scan results hold the same keys with the same values, in the same order. */
    public static boolean sameEntries(List<KeyValue> a, List<KeyValue> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!Arrays.equals(a.get(i).key(), b.get(i).key())
                    || !Arrays.equals(a.get(i).value(), b.get(i).value())) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code key} is in {@code [from, to)}; null bounds are open. */
    public static boolean inRange(byte[] key, byte[] from, byte[] to) {
        return (from == null || ORDER.compare(key, from) >= 0) && (to == null || ORDER.compare(key, to) < 0);
    }
}
