package dev.mu2sls.core;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * What the journal keeps of a value written by a {@code PUT} step: its length and CRC-32C. Enough
 * to tell a replay that writes another value to the same key (G3), without storing the value twice.
 */
final class ValueFingerprint {
    private ValueFingerprint() {}

    static byte[] of(byte[] value) {
        CRC32C crc = new CRC32C();
        crc.update(value);
        return ByteBuffer.allocate(8)
                .putInt(value.length)
                .putInt((int) crc.getValue())
                .array();
    }
}
