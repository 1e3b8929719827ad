package dev.mu2sls.examples.lists;

/** One operation of a list transaction: {@code append} a value to a key, or {@code read} a key. */
public record ListOp(String kind, String key, int value) {
    public static ListOp append(String key, int value) {
        return new ListOp("append", key, value);
    }

    public static ListOp read(String key) {
        return new ListOp("read", key, 0);
    }
}
