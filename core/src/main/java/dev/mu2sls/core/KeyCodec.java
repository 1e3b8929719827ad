package dev.mu2sls.core;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.ByteBuffer;
import java.util.UUID;

/**
 * Order-preserving encodings of map keys: UTF-8 for strings (code point order), big-endian with
 * the sign bit flipped for integers, two big-endian longs for UUIDs.
 */
final class KeyCodec<K> {
    private static final byte STRING = 's';
    private static final byte LONG = 'l';
    private static final byte INT = 'i';
    private static final byte UUID_TAG = 'u';

    private final Class<K> type;

    private KeyCodec(Class<K> type) {
        this.type = type;
    }

    static <K> KeyCodec<K> of(Class<K> type, String service, String stateName) {
        if (type == String.class || type == Long.class || type == Integer.class || type == UUID.class) {
            return new KeyCodec<>(type);
        }
        throw new IllegalArgumentException("service " + service + " state '" + stateName + "': key type "
                + type.getName() + " is not supported; use String, Long, Integer or UUID");
    }

    byte[] encode(K key) {
        if (key == null) {
            throw new NullPointerException("map keys must not be null");
        }
        return switch (key) {
            case String s -> tagged(STRING, s.getBytes(UTF_8));
            case Long l ->
                ByteBuffer.allocate(9).put(LONG).putLong(l ^ Long.MIN_VALUE).array();
            case Integer i ->
                ByteBuffer.allocate(5).put(INT).putInt(i ^ Integer.MIN_VALUE).array();
            case UUID u ->
                ByteBuffer.allocate(17)
                        .put(UUID_TAG)
                        .putLong(u.getMostSignificantBits() ^ Long.MIN_VALUE)
                        .putLong(u.getLeastSignificantBits() ^ Long.MIN_VALUE)
                        .array();
            default ->
                throw new IllegalArgumentException(
                        "unsupported key " + key.getClass().getName());
        };
    }

    K decode(byte[] bytes, int offset) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes, offset + 1, bytes.length - offset - 1);
        Object key =
                switch (bytes[offset]) {
                    case STRING -> new String(bytes, offset + 1, bytes.length - offset - 1, UTF_8);
                    case LONG -> buffer.getLong() ^ Long.MIN_VALUE;
                    case INT -> buffer.getInt() ^ Integer.MIN_VALUE;
                    case UUID_TAG -> new UUID(buffer.getLong() ^ Long.MIN_VALUE, buffer.getLong() ^ Long.MIN_VALUE);
                    default -> throw new IllegalStateException("corrupt key encoding tag " + bytes[offset]);
                };
        return type.cast(key);
    }

    static String render(byte[] bytes, int offset, int length) {
        byte[] copy = new byte[length];
        System.arraycopy(bytes, offset, copy, 0, length);
        Object key = new KeyCodec<>(Object.class).decode(copy, 0);
        return key instanceof String s ? '"' + s + '"' : String.valueOf(key);
    }

    private static byte[] tagged(byte tag, byte[] body) {
        byte[] out = new byte[body.length + 1];
        out[0] = tag;
        System.arraycopy(body, 0, out, 1, body.length);
        return out;
    }
}
