package dev.mu2sls.store;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * One stored entry. The arrays are owned by the receiver; the store does not keep them. Equal
 * when the bytes are equal.
 */
public record KeyValue(byte[] key, byte[] value) {
    @Override
    public boolean equals(Object other) {
        return other instanceof KeyValue that && Arrays.equals(key, that.key) && Arrays.equals(value, that.value);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(key) + Arrays.hashCode(value);
    }

    /** The key in hex, the value's length. */
    @Override
    public String toString() {
        return "KeyValue[key=" + (key == null ? null : "0x" + HexFormat.of().formatHex(key)) + ", value="
                + (value == null ? null : value.length + " bytes") + "]";
    }
}
