package dev.mu2sls.core;

import dev.mu2sls.store.ByteKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;

/**
 * The state keys this engine's participants wrote into transactions coordinated in another
 * process, whose end this engine does not see ({@link WriteIntents} covers the ones it
 * coordinates). A later read of such a key here waits for that transaction to end instead of
 * reading the value its commit is about to replace: that read would lose when its own transaction
 * ends (a conflict, and the whole transaction runs again). With each service in its own process,
 * about half of W5's bookings at 64 clients conflicted that way.
 *
 * <p>The end is seen in the store: the read fetches the transaction's status with the key, in one
 * round trip, and fetches both again after a growing pause while the status is pending, at most
 * the bound in all. Contention only, never correctness: the value read is validated as any other.
 * A reader here may be a participant of a transaction that the writer's coordinator, elsewhere,
 * waits for: such a cycle costs the bound, then both read as before. So the bound is short, and a
 * writer outlasting a whole wait makes no one wait again.
 *
 * <h2>Thread safety</h2>
 * Safe for concurrent use.
 */
final class RemoteTransactionWrites {
    /** How much shorter these waits are than the wait for a transaction seen here ({@code Engine.Builder.contentionWait}). */
    static final int SHORTER_BY = 5;

    private static final long FIRST_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long LONGEST_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(16);
    /** Keys remembered before starting over: a writer whose key no one read again is forgotten then. */
    private static final int CAPACITY = 10_000;

    private final long maxWaitNanos;
    private final ConcurrentHashMap<ByteKey, String> writers = new ConcurrentHashMap<>();
    private final LongAdder waits = new LongAdder();
    private final LongAdder timedOut = new LongAdder();

    /** @param maxWaitNanos the bound of one read's wait ({@link #SHORTER_BY}); 0 turns the waits off */
    RemoteTransactionWrites(long maxWaitNanos) {
        this.maxWaitNanos = maxWaitNanos;
    }

    /** A participant here persisted its writes of {@code keys} into {@code txId}, coordinated elsewhere. */
    void wrote(String txId, Set<byte[]> keys) {
        if (maxWaitNanos == 0) {
            return;
        }
        if (writers.size() >= CAPACITY) {
            writers.clear();
        }
        for (byte[] key : keys) {
            if (key[0] == KeySpace.STATE) { // a segment also writes timers and sends, which no handler reads
                writers.put(new ByteKey(key.clone()), txId);
            }
        }
    }

    /** The transaction elsewhere that wrote {@code key} and may not have ended, unless the reader's own; or null. */
    String writer(byte[] key, String readerTxId) {
        if (writers.isEmpty()) {
            return null;
        }
        String writer = writers.get(new ByteKey(key));
        return writer == null || writer.equals(readerTxId) ? null : writer;
    }

    /**
     * Reads {@code keys} with {@code readAll} once {@code writerTxId} ended, or when the bound
     * passed: the status of the transaction is read with them each time.
     *
     * @param key the state key {@code writerTxId} wrote, one of {@code keys}
     * @param beforeWaiting run once, before the first pause: the reader lets go of what the writer's end may need
     * @return the values of {@code keys}, in their order, from the last read
     */
    List<byte[]> readAfterEnd(
            String writerTxId,
            byte[] key,
            List<byte[]> keys,
            UnaryOperator<List<byte[]>> readAll,
            Runnable beforeWaiting) {
        byte[] statusKey = KeySpace.txStatus(writerTxId);
        List<byte[]> withStatus = new ArrayList<>(keys.size() + 1);
        withStatus.add(statusKey);
        withStatus.addAll(keys);
        long deadline = System.nanoTime() + maxWaitNanos;
        long pause = FIRST_PAUSE_NANOS;
        while (true) {
            List<byte[]> values = readAll.apply(withStatus);
            TxStatus status = TxStatus.decode(statusKey, values.getFirst());
            boolean ended = status == null || status.state().ended();
            long left = deadline - System.nanoTime();
            if (ended || left <= 0 || Thread.currentThread().isInterrupted()) {
                if (!ended) {
                    timedOut.increment();
                }
                writers.remove(new ByteKey(key), writerTxId);
                return values.subList(1, values.size());
            }
            if (pause == FIRST_PAUSE_NANOS) {
                beforeWaiting.run();
                waits.increment();
            }
            LockSupport.parkNanos(Math.min(pause, left));
            pause = Math.min(pause * 2, LONGEST_PAUSE_NANOS);
        }
    }

    /** Reads that waited for a transaction coordinated elsewhere to end (for reports and tests). */
    long waits() {
        return waits.sum();
    }

    /** Of those, the ones that waited the whole bound. */
    long timedOut() {
        return timedOut.sum();
    }
}
