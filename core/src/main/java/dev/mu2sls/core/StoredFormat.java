package dev.mu2sls.core;

import java.nio.BufferUnderflowException;
import java.util.function.Function;

/**
 * The version marker of the engine's stored records (docs/architecture.md, "Stored formats").
 *
 * <p>Every record written since formats were versioned starts with {@link #V1}. Records written
 * before (format 0: request records, journal chunks, transaction statuses, acceptance records,
 * provisional records) start with a byte below {@code 0x80}, so a reader tells them apart by the
 * first byte and decodes both: a store written by an older build needs no migration. Kinds and
 * operations are stored as explicit codes, never as {@code Enum.ordinal()}.
 *
 * <p>The upgrade rule: a new layout gets a new marker ({@code 0x82}, ...), readers keep decoding
 * every older marker, and writers switch only once every instance reads the new one.
 */
final class StoredFormat {
    /** First byte of every record in format 1. */
    static final byte V1 = (byte) 0x81;

    private StoredFormat() {}

    /** Whether {@code bytes} is in format 1 (else format 0, written before versioning). */
    static boolean isV1(byte[] bytes) {
        return bytes.length > 0 && bytes[0] == V1;
    }

    /**
     * Decodes a stored record, turning a truncated or malformed one into a
     * {@link CorruptRecordException} that names the key and shows the bytes.
     */
    static <T> T decode(String what, byte[] key, byte[] bytes, Function<byte[], T> decoder) {
        try {
            return decoder.apply(bytes);
        } catch (BufferUnderflowException
                | IndexOutOfBoundsException
                | NegativeArraySizeException
                | IllegalArgumentException e) {
            throw new CorruptRecordException(
                    what, key, bytes, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }
}
