package dev.mu2sls.store;

import java.util.Arrays;

/** A byte-array key with value equality, its hash computed once: for hash maps keyed by store keys. */
public record ByteKey(byte[] bytes, int hash) {
    public ByteKey(byte[] bytes) {
        this(bytes, Arrays.hashCode(bytes));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ByteKey that && hash == that.hash && Arrays.equals(bytes, that.bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }
}
