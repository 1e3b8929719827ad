package dev.mu2sls.store;

/** One stored entry. The arrays are owned by the receiver; the store does not keep them. */
public record KeyValue(byte[] key, byte[] value) {}
