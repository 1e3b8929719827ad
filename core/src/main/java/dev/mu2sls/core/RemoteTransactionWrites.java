package dev.mu2sls.core;

import dev.mu2sls.store.ByteKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;

/**
 * The state keys this engine's participants write into transactions coordinated in another
 * process, whose end this engine does not see ({@link WriteIntents} covers the ones it
 * coordinates). From the write on, a read of such a key here waits for that transaction to end
 * instead of reading the value its commit is about to replace: that read would lose when its own
 * transaction ends (a conflict, and the whole transaction runs again), or earlier, when its
 * segment is validated (a replay).
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

    /** @param maxWaitNanos the bound of one read's wait ({@link #SHORTER_BY}); 0 turns the waits off */
    RemoteTransactionWrites(long maxWaitNanos) {
        this.maxWaitNanos = maxWaitNanos;
    }

    /** A participant here writes state {@code key} into {@code txId}, coordinated elsewhere. */
    void wrote(String txId, byte[] key) {
        if (maxWaitNanos == 0) {
            return;
        }
        if (writers.size() >= CAPACITY) {
            writers.clear();
        }
        writers.put(new ByteKey(key.clone()), txId);
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
     * Reads {@code keys} with {@code readAll} once the transaction elsewhere that wrote {@code key}
     * ended, the status of the transaction read with them each time, or when the bound passed.
     * When it ended, another may have written or claimed the key since (a reader woken with this
     * one): that one is waited for too, in the same bound. Otherwise a reader in a transaction
     * coordinated elsewhere claims the key for it, as if it wrote it, before it reads on, so readers
     * of a hot key woken by one end take turns instead of all reading the same value.
     *
     * @param writer the transaction elsewhere that wrote {@code key}, from {@link #writer}
     * @param readerTxId the reader's own transaction, or null
     * @param claimant the reader's transaction if coordinated elsewhere (it is about to write the key, most likely), or null
     * @param key the state key {@code writer} wrote, one of {@code keys}
     * @param beforeWaiting run once, before the first pause: the reader lets go of what the writer's end may need
     * @return the values of {@code keys}, in their order, from the last read
     */
    List<byte[]> readAfterEnd(
            String writer,
            String readerTxId,
            String claimant,
            byte[] key,
            List<byte[]> keys,
            UnaryOperator<List<byte[]>> readAll,
            Runnable beforeWaiting) {
        ByteKey writtenKey = new ByteKey(key);
        long deadline = System.nanoTime() + maxWaitNanos;
        long pause = FIRST_PAUSE_NANOS;
        boolean waited = false;
        while (true) {
            byte[] statusKey = KeySpace.txStatus(writer);
            List<byte[]> withStatus = new ArrayList<>(keys.size() + 1);
            withStatus.add(statusKey);
            withStatus.addAll(keys);
            List<byte[]> values = readAll.apply(withStatus);
            TxStatus status = TxStatus.decode(statusKey, values.getFirst());
            long left = deadline - System.nanoTime();
            if (status == null || status.state().ended()) {
                writers.remove(writtenKey, writer);
                String next = claimant == null ? writer(key, readerTxId) : writers.putIfAbsent(writtenKey, claimant);
                if (next == null || next.equals(writer) || next.equals(readerTxId) || left <= 0) {
                    return values.subList(1, values.size());
                }
                writer = next; // written or claimed again since: its turn first
                continue;
            }
            if (left <= 0 || Thread.currentThread().isInterrupted()) {
                writers.remove(writtenKey, writer); // outlasted a whole wait: no one waits for it again
                return values.subList(1, values.size());
            }
            if (!waited) {
                waited = true;
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
}
