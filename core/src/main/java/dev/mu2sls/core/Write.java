package dev.mu2sls.core;

/** A write of one state key not yet applied (buffered in a segment, or provisional in a transaction). */
sealed interface Write {
    Write DELETE = new Delete();

    /** The key gets {@code value}. */
    record Put(byte[] value) implements Write {}

    /** The key is removed. */
    record Delete() implements Write {}

    /** A write of {@code value}, or a delete for null. */
    static Write of(byte[] value) {
        return value == null ? DELETE : new Put(value);
    }

    /** The value written, or null for a delete. */
    default byte[] valueOrNull() {
        return this instanceof Put put ? put.value() : null;
    }
}
