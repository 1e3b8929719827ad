package dev.mu2sls.core;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.mu2sls.store.Keys;
import java.nio.ByteBuffer;

/**
 * The engine's layout of the shared ordered key space. One leading byte per kind of record:
 * <pre>
 *   S service 0 state 0 key     persistent state (the key encoded by {@link KeyCodec})
 *   R requestId                 request record: running (journal length) or completed (time, response)
 *   J requestId 0 step(int)     journal chunk starting at step
 * </pre>
 * Request ids, service and state names never contain {@code \0}, so the separators are unambiguous.
 */
final class KeySpace {
    static final byte STATE = 'S';
    static final byte REQUEST = 'R';
    static final byte JOURNAL = 'J';

    private KeySpace() {}

    static byte[] statePrefix(String service, String stateName) {
        byte[] s = service.getBytes(UTF_8);
        byte[] n = stateName.getBytes(UTF_8);
        return ByteBuffer.allocate(1 + s.length + 1 + n.length + 1)
                .put(STATE).put(s).put((byte) 0).put(n).put((byte) 0).array();
    }

    static byte[] concat(byte[] prefix, byte[] suffix) {
        byte[] key = new byte[prefix.length + suffix.length];
        System.arraycopy(prefix, 0, key, 0, prefix.length);
        System.arraycopy(suffix, 0, key, prefix.length, suffix.length);
        return key;
    }

    static byte[] request(String requestId) {
        byte[] id = requestId.getBytes(UTF_8);
        return ByteBuffer.allocate(1 + id.length).put(REQUEST).put(id).array();
    }

    static byte[] journalPrefix(String requestId) {
        byte[] id = requestId.getBytes(UTF_8);
        return ByteBuffer.allocate(1 + id.length + 1).put(JOURNAL).put(id).put((byte) 0).array();
    }

    static byte[] journalChunk(String requestId, int firstStep) {
        return concat(journalPrefix(requestId), ByteBuffer.allocate(4).putInt(firstStep).array());
    }

    static byte[] journalEnd(String requestId) {
        return Keys.prefixEnd(journalPrefix(requestId));
    }

    /** The first key of the range of {@code kind} records, and the first key after it. */
    static byte[] rangeStart(byte kind) {
        return new byte[] {kind};
    }

    static byte[] rangeEnd(byte kind) {
        return new byte[] {(byte) (kind + 1)};
    }

    /** A readable rendering of a state key, for messages: {@code Service.state[key]}. */
    static String describeState(byte[] key) {
        if (key.length == 0 || key[0] != STATE) {
            return new String(key, UTF_8);
        }
        int first = indexOf(key, 1);
        int second = indexOf(key, first + 1);
        if (first < 0 || second < 0) {
            return new String(key, UTF_8);
        }
        String service = new String(key, 1, first - 1, UTF_8);
        String state = new String(key, first + 1, second - first - 1, UTF_8);
        int keyLength = key.length - second - 1;
        String renderedKey = keyLength == 0 ? "" : "[" + KeyCodec.render(key, second + 1, keyLength) + "]";
        return service + "." + state + renderedKey;
    }

    private static int indexOf(byte[] key, int from) {
        for (int i = from; i < key.length; i++) {
            if (key[i] == 0) {
                return i;
            }
        }
        return -1;
    }
}
