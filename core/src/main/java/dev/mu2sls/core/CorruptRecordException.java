package dev.mu2sls.core;

import dev.mu2sls.Mu2slsException;
import java.util.HexFormat;

/**
 * A stored record the engine cannot decode: truncated, written by a newer mu2sls, or damaged.
 * Names the record's kind and key and shows its first bytes, so an operator can find it in the
 * store. Not retryable: reading the same bytes again fails the same way.
 */
public final class CorruptRecordException extends Mu2slsException {
    private static final int SHOWN_BYTES = 64;

    private final String key;
    private final byte[] bytes;

    CorruptRecordException(String what, byte[] key, byte[] bytes, String why) {
        super(what + " under key " + render(key) + " cannot be decoded (" + why + "); its " + bytes.length
                + " bytes begin " + hex(bytes) + ". Was the store written by a newer mu2sls, or damaged?");
        this.key = render(key);
        this.bytes = bytes.clone();
    }

    /** The record's key, printable (non-printable bytes as {@code \xNN}). */
    public String key() {
        return key;
    }

    /** The record's bytes as stored. */
    public byte[] bytes() {
        return bytes.clone();
    }

    private static String hex(byte[] bytes) {
        String shown = HexFormat.ofDelimiter(" ").formatHex(bytes, 0, Math.min(bytes.length, SHOWN_BYTES));
        return bytes.length > SHOWN_BYTES ? shown + " ..." : shown;
    }

    static String render(byte[] key) {
        StringBuilder out = new StringBuilder(key.length);
        for (byte b : key) {
            int c = b & 0xff;
            if (c >= 0x20 && c < 0x7f) {
                out.append((char) c);
            } else {
                out.append(String.format("\\x%02x", c));
            }
        }
        return out.toString();
    }

    @Override
    public boolean isRetryable() {
        return false;
    }
}
