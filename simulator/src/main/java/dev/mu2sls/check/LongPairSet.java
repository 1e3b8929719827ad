package dev.mu2sls.check;

/** A set of 128-bit keys (two longs) by open addressing: 16 bytes a key, no boxing. */
final class LongPairSet {
    private static final long EMPTY = 0;
    private long[] firsts = new long[1 << 12];
    private long[] seconds = new long[1 << 12];
    private int size;
    private boolean containsZero;

    /** Adds the key; false if it was already there. */
    boolean add(long first, long second) {
        if (first == EMPTY && second == EMPTY) {
            boolean added = !containsZero;
            containsZero = true;
            return added;
        }
        if (2 * (size + 1) > firsts.length) {
            grow();
        }
        int mask = firsts.length - 1;
        for (int i = slot(first, second, mask); ; i = (i + 1) & mask) {
            if (firsts[i] == EMPTY && seconds[i] == EMPTY) {
                firsts[i] = first;
                seconds[i] = second;
                size++;
                return true;
            }
            if (firsts[i] == first && seconds[i] == second) {
                return false;
            }
        }
    }

    boolean contains(long first, long second) {
        if (first == EMPTY && second == EMPTY) {
            return containsZero;
        }
        int mask = firsts.length - 1;
        for (int i = slot(first, second, mask); ; i = (i + 1) & mask) {
            if (firsts[i] == first && seconds[i] == second) {
                return true;
            }
            if (firsts[i] == EMPTY && seconds[i] == EMPTY) {
                return false;
            }
        }
    }

    int size() {
        return size + (containsZero ? 1 : 0);
    }

    private static int slot(long first, long second, int mask) {
        long h = first * 0x9E3779B97F4A7C15L + second;
        return (int) (h ^ (h >>> 29) ^ (h >>> 43)) & mask;
    }

    private void grow() {
        long[] oldFirsts = firsts;
        long[] oldSeconds = seconds;
        firsts = new long[oldFirsts.length * 2];
        seconds = new long[oldSeconds.length * 2];
        int mask = firsts.length - 1;
        for (int j = 0; j < oldFirsts.length; j++) {
            if (oldFirsts[j] == EMPTY && oldSeconds[j] == EMPTY) {
                continue;
            }
            int i = slot(oldFirsts[j], oldSeconds[j], mask);
            while (firsts[i] != EMPTY || seconds[i] != EMPTY) {
                i = (i + 1) & mask;
            }
            firsts[i] = oldFirsts[j];
            seconds[i] = oldSeconds[j];
        }
    }

    @Override
    public String toString() {
        return "LongPairSet[" + size() + " keys]";
    }
}
