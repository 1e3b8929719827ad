package dev.mu2sls.core;

import dev.mu2sls.store.ByteKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The state keys this engine's executions have written and not yet applied, so that another
 * execution about to read one waits until the write is applied instead of reading the value it
 * replaces: that read would lose when validated (a transaction's conflict, and the whole
 * transaction runs again; outside one, a replay). Where many requests update a few hot keys (W5's
 * hotels and flights, W4's draft of a review its four uploads complete), conflicts and replays
 * become short waits.
 *
 * <p>A writer is an open transaction this engine coordinates, from its begin to its end (its
 * participants' writes are its), or a request's writes outside a transaction, from the first to
 * their persist; all executions of the transaction or request share it. A transaction coordinated in another process takes no part: this engine
 * cannot see it end, nor see what it waits for there.
 *
 * <p>Only contention is managed here, never correctness: every read is still validated when it is
 * persisted or its transaction ends, and a wait is bounded. A read does not wait where its wait
 * would close a cycle (the writer waits, directly or through others, for the reader): every wait is
 * recorded here and decided under one lock, so waits never deadlock. A writer that outlasts a
 * whole wait is stuck (a stalled zombie, say) and makes no one wait again.
 */
final class WriteIntents {
    /** Prefix of the ids of writes outside a transaction: never a transaction id's, which has no {@code \0}. */
    private static final String SEGMENT = "\0segment ";

    private final long maxWaitNanos;
    private final ConcurrentHashMap<String, Writer> writers = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<ByteKey, Writer> written = new ConcurrentHashMap<>();
    private final LongAdder waits = new LongAdder();

    /** A writer, the keys it wrote, and the writers its reads wait for. */
    private static final class Writer {
        final String id;
        final CountDownLatch ended = new CountDownLatch(1);
        /** A read waited the whole bound for it: stuck (a stalled zombie, say), no one waits for it again. */
        volatile boolean stuck;

        final Set<ByteKey> keys = ConcurrentHashMap.newKeySet();
        /** Guarded by the {@code WriteIntents} lock; several, as a transaction reads in several participants at once. */
        final List<Writer> waitingFor = new ArrayList<>(1);

        Writer(String id) {
            this.id = id;
        }

        /** Whether this writer waits for {@code other}, directly or through others. */
        boolean waitsFor(Writer other) {
            for (Writer next : waitingFor) {
                if (next == other || next.waitsFor(other)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** @param maxWaitNanos the longest a read waits; 0 turns waiting off */
    WriteIntents(long maxWaitNanos) {
        this.maxWaitNanos = maxWaitNanos;
    }

    /** An execution of this engine began (or, replaying, resumed) transaction {@code txId}. */
    void began(String txId) {
        if (maxWaitNanos > 0) {
            writers.putIfAbsent(txId, new Writer(txId));
        }
    }

    /**
     * The writer id of request {@code requestId}'s writes outside a transaction: one per request,
     * as a transaction's, so that its executions (a re-execution and the zombie it replaces) never
     * wait for each other.
     */
    static String segmentOf(String requestId) {
        return SEGMENT + requestId;
    }

    /** Begins (or joins) writer {@code segmentId} for writes outside a transaction, to end once they persist. */
    void beginSegment(String segmentId) {
        if (maxWaitNanos > 0) {
            writers.computeIfAbsent(segmentId, Writer::new);
        }
    }

    /** {@code writerId} wrote {@code key} (buffered: not yet persisted). */
    void wrote(String writerId, byte[] key) {
        Writer writer = writers.get(writerId);
        if (writer == null) {
            return; // a transaction coordinated elsewhere, or waiting is off
        }
        ByteKey intent = new ByteKey(key.clone());
        writer.keys.add(intent);
        written.put(intent, writer);
        if (writer.ended.getCount() == 0) {
            written.remove(intent, writer); // it ended meanwhile: the key is not its any more
        }
    }

    /**
     * Before {@code readerId} (its transaction's id, or its request's {@link #segmentOf}) reads
     * {@code key}: waits, at most the bound in all, while another writer has written it, unless
     * that one waits for the reader or was found stuck. A reader in a transaction coordinated
     * elsewhere never waits. When the writer ends, the key may already be another's (a
     * reader woken with this one wrote it): then that one is waited for too, so readers of a hot
     * key take turns instead of all reading at once.
     *
     * @param beforeWaiting run once, before the first wait: the reader lets go of what a writer's
     *     end may need (its hold on the store's commits)
     */
    void awaitWriter(String readerId, byte[] key, Runnable beforeWaiting) {
        if (written.isEmpty()) {
            return;
        }
        Writer reader = writers.get(readerId); // null: it wrote nothing here
        if (reader == null && !readerId.startsWith(SEGMENT)) {
            // A transaction coordinated elsewhere: a wait of its could close a cycle through
            // another process, which this engine cannot see.
            return;
        }
        ByteKey intent = new ByteKey(key);
        boolean waited = false;
        long deadline = 0;
        for (Writer writer = written.get(intent);
                writer != null && !writer.id.equals(readerId);
                writer = written.get(intent)) {
            if (writer.ended.getCount() == 0) {
                written.remove(intent, writer); // ended while writing it (see wrote), or not yet cleared
                continue;
            }
            if (writer.stuck) {
                return;
            }
            if (reader != null && !startWaiting(reader, writer)) {
                return; // waiting would close a cycle: read now, and let validation decide
            }
            if (!waited) {
                waited = true;
                beforeWaiting.run();
                waits.increment();
                deadline = System.nanoTime() + maxWaitNanos;
            }
            try {
                if (!writer.ended.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
                    writer.stuck = true; // a writer this slow makes no one wait again
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the execution is being stopped: read now
                return;
            } finally {
                if (reader != null) {
                    stopWaiting(reader, writer);
                }
            }
        }
    }

    /** Records that {@code reader} waits for {@code writer}, unless {@code writer} waits for it. */
    private synchronized boolean startWaiting(Writer reader, Writer writer) {
        if (writer.waitsFor(reader)) {
            return false;
        }
        reader.waitingFor.add(writer);
        return true;
    }

    private synchronized void stopWaiting(Writer reader, Writer writer) {
        reader.waitingFor.remove(writer);
    }

    /**
     * {@code writerId}'s writes are applied (its transaction's outcome is durable, or its segment
     * persisted, and the state cache has the values), or its execution stopped: its readers read now.
     */
    void ended(String writerId) {
        Writer writer = writers.remove(writerId);
        if (writer == null) {
            return;
        }
        writer.ended.countDown();
        for (ByteKey key : writer.keys) {
            written.remove(key, writer);
        }
    }

    /** Reads that waited for another execution's write to be applied. */
    long waits() {
        return waits.sum();
    }
}
