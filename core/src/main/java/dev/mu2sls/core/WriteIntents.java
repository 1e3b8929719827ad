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
 * The state keys written inside the open transactions this engine coordinates, so that a
 * transaction about to read one waits for the writer to end instead of reading the value the
 * writer is about to replace: that read would lose at the end (a conflict, and the whole
 * transaction runs again). Where many transactions update a few hot keys (W5's hotels and
 * flights), conflicts become short waits.
 *
 * <p>Only contention is managed here, never correctness: every read is still validated when its
 * transaction ends, and a wait is bounded. A read does not wait where its wait would close a cycle
 * (the writer waits, directly or through others, for the reader's transaction): every wait is
 * recorded here, under one lock, so waits never deadlock. Only transactions coordinated by this
 * engine are known; a write into a transaction coordinated elsewhere, whose end this engine cannot
 * see, makes no one wait, and such a transaction's reads wait for any writer, since no one waits
 * for it.
 */
final class WriteIntents {
    private final long maxWaitNanos;
    private final ConcurrentHashMap<String, Writer> coordinated = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<ByteKey, Writer> written = new ConcurrentHashMap<>();
    private final LongAdder waits = new LongAdder();

    /** An open transaction coordinated here, the keys written inside it, and the writers its reads wait for. */
    private static final class Writer {
        final String txId;
        final CountDownLatch ended = new CountDownLatch(1);
        final Set<ByteKey> keys = ConcurrentHashMap.newKeySet();
        /** Guarded by the {@code WriteIntents} lock; several, as a transaction reads in several participants at once. */
        final List<Writer> waitingFor = new ArrayList<>(1);

        Writer(String txId) {
            this.txId = txId;
        }

        /** Whether this transaction waits for {@code other}, directly or through others. */
        boolean waitsFor(Writer other) {
            for (Writer next : waitingFor) {
                if (next == other || next.waitsFor(other)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** @param maxWaitNanos the longest a read waits for a writer; 0 turns waiting off */
    WriteIntents(long maxWaitNanos) {
        this.maxWaitNanos = maxWaitNanos;
    }

    /** An execution of this engine began (or, replaying, resumed) {@code txId}. */
    void began(String txId) {
        if (maxWaitNanos > 0) {
            coordinated.putIfAbsent(txId, new Writer(txId));
        }
    }

    /** A segment of {@code txId} wrote {@code key} (buffered: not yet persisted). */
    void wrote(String txId, byte[] key) {
        Writer writer = coordinated.get(txId);
        if (writer == null) {
            return; // coordinated elsewhere, or waiting is off
        }
        ByteKey intent = new ByteKey(key.clone());
        writer.keys.add(intent);
        written.put(intent, writer);
        if (writer.ended.getCount() == 0) {
            written.remove(intent, writer); // it ended meanwhile: the key is not its any more
        }
    }

    /**
     * Before {@code txId} reads {@code key}: waits, at most the bound in all, while another open
     * transaction coordinated here has written it, unless that one waits for {@code txId}. When the
     * writer ends, the key may already be another's (a reader woken with this one wrote it): then
     * that one is waited for too, so readers of a hot key take turns instead of all reading at once.
     */
    void awaitWriter(String txId, byte[] key) {
        if (written.isEmpty()) {
            return;
        }
        ByteKey intent = new ByteKey(key);
        Writer reader = coordinated.get(txId);
        boolean waited = false;
        long deadline = 0;
        for (Writer writer = written.get(intent);
                writer != null && !writer.txId.equals(txId);
                writer = written.get(intent)) {
            if (writer.ended.getCount() == 0) {
                written.remove(intent, writer); // ended while writing it (see wrote), or not yet cleared
                continue;
            }
            if (reader != null && !startWaiting(reader, writer)) {
                return; // waiting would close a cycle: read now, and let the end decide
            }
            if (!waited) {
                waited = true;
                waits.increment();
                deadline = System.nanoTime() + maxWaitNanos;
            }
            try {
                if (!writer.ended.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
                    return; // waited long enough: read now
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
     * {@code txId} ended (its outcome is durable and its writes are in the state cache), or its
     * coordinator's execution stopped without ending it: the transactions waiting for it read now.
     */
    void ended(String txId) {
        Writer writer = coordinated.remove(txId);
        if (writer == null) {
            return;
        }
        writer.ended.countDown();
        for (ByteKey key : writer.keys) {
            written.remove(key, writer);
        }
    }

    /** Reads that waited for an older transaction's write. */
    long waits() {
        return waits.sum();
    }
}
