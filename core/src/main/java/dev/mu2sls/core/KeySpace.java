package dev.mu2sls.core;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.mu2sls.store.Keys;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The engine's layout of the shared ordered key space. One leading byte per kind of record:
 * <pre>
 *   S service 0 state 0 key     persistent state (the key encoded by {@link KeyCodec})
 *   A requestId                 an accepted client request not yet completed (the invocation, for recovery)
 *   R requestId                 request record: running (journal length) or completed (time, response)
 *   J requestId 0 step(int)     journal chunk starting at step
 *   T txId                      transaction status: pending (since), committed or aborted (when, why)
 *   P txId 0 W stateKey         a transaction's provisional write (or delete) of a state key
 *   P txId 0 V requestId 0 step a state key a participant read in the transaction, and the value it saw
 *   P txId 0 Q requestId 0 step a range a participant scanned in the transaction, and what it saw
 *   D due(long) requestId       a timer: a one-way send, or a sleeping request, to deliver from due on
 * </pre>
 * Provisional writes live beside the state, never in it: a transaction's writes reach the state
 * keys only in the store transaction that commits it. A transaction's records share one prefix,
 * so ending it scans one range.
 * Request ids, service and state names never contain {@code \0}, so the separators are unambiguous.
 */
final class KeySpace {
    static final byte STATE = 'S';
    static final byte ACCEPTED = 'A';
    static final byte REQUEST = 'R';
    static final byte JOURNAL = 'J';
    static final byte TX_STATUS = 'T';
    static final byte TX_RECORDS = 'P';
    static final byte TX_WRITE = 'W';
    static final byte TX_READ = 'V';
    static final byte TX_SCAN = 'Q';
    static final byte TIMER = 'D';

    private KeySpace() {}

    static byte[] statePrefix(String service, String stateName) {
        byte[] s = service.getBytes(UTF_8);
        byte[] n = stateName.getBytes(UTF_8);
        return ByteBuffer.allocate(1 + s.length + 1 + n.length + 1)
                .put(STATE)
                .put(s)
                .put((byte) 0)
                .put(n)
                .put((byte) 0)
                .array();
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

    /** The request id of an {@code R} key. */
    static String requestIdOf(byte[] requestKey) {
        return new String(requestKey, 1, requestKey.length - 1, UTF_8);
    }

    /** The transaction id of a {@code T} key. */
    static String txIdOf(byte[] statusKey) {
        return new String(statusKey, 1, statusKey.length - 1, UTF_8);
    }

    static byte[] accepted(String requestId) {
        byte[] id = requestId.getBytes(UTF_8);
        return ByteBuffer.allocate(1 + id.length).put(ACCEPTED).put(id).array();
    }

    static byte[] journalPrefix(String requestId) {
        byte[] id = requestId.getBytes(UTF_8);
        return ByteBuffer.allocate(1 + id.length + 1)
                .put(JOURNAL)
                .put(id)
                .put((byte) 0)
                .array();
    }

    static byte[] journalChunk(String requestId, int firstStep) {
        return concat(
                journalPrefix(requestId),
                ByteBuffer.allocate(4).putInt(firstStep).array());
    }

    static byte[] journalEnd(String requestId) {
        return Keys.prefixEnd(journalPrefix(requestId));
    }

    /** A timer: ordered by due time (store-clock milliseconds, non-negative), then by the id it delivers. */
    static byte[] timer(long dueMillis, String requestId) {
        byte[] id = requestId.getBytes(UTF_8);
        return ByteBuffer.allocate(1 + 8 + id.length)
                .put(TIMER)
                .putLong(dueMillis)
                .put(id)
                .array();
    }

    static long timerDue(byte[] timerKey) {
        return ByteBuffer.wrap(timerKey, 1, 8).getLong();
    }

    static byte[] txStatus(String txId) {
        return tagged(TX_STATUS, txId);
    }

    /** Start of every record of one transaction ({@code P txId 0}); the record's kind follows. */
    static byte[] txRecords(String txId) {
        return concat(tagged(TX_RECORDS, txId), new byte[] {0});
    }

    /** Start of the {@code kind} records of one transaction ({@code P txId 0 kind}). */
    static byte[] txPrefix(byte kind, String txId) {
        return concat(txRecords(txId), new byte[] {kind});
    }

    static byte[] txWrite(String txId, byte[] stateKey) {
        return concat(txPrefix(TX_WRITE, txId), stateKey);
    }

    /** The state key of a {@code W} key of transaction {@code txId}. */
    static byte[] stateKeyOfTxWrite(String txId, byte[] txWriteKey) {
        int offset = txPrefix(TX_WRITE, txId).length;
        return Arrays.copyOfRange(txWriteKey, offset, txWriteKey.length);
    }

    static byte[] txRead(byte kind, String txId, String requestId, int step) {
        return concat(
                concat(txPrefix(kind, txId), request(requestId)),
                ByteBuffer.allocate(5).put((byte) 0).putInt(step).array());
    }

    private static byte[] tagged(byte kind, String text) {
        byte[] bytes = text.getBytes(UTF_8);
        return ByteBuffer.allocate(1 + bytes.length).put(kind).put(bytes).array();
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
