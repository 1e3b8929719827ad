package dev.mu2sls.core;

import dev.mu2sls.store.KeyValue;
import dev.mu2sls.store.Keys;
import dev.mu2sls.store.StoreTransaction;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The records (provisional writes and recorded reads, {@link TxWrites}) that this engine's own
 * executions persisted into the transactions it coordinates, so that ending one need not read
 * them from the store first. Where a transaction's services all run in this process (co-located,
 * or a single service), its end takes them as what the store holds: the store checks that at the
 * commit point ({@link StoreTransaction#rangeHolds}), and a wrong guess costs one refused attempt
 * whose retry reads the records. Correctness never depends on what is known here.
 *
 * <p>The guess is offered only for a transaction begun afresh here (a replayed one has records
 * its earlier executions wrote), and only while every call made inside it from here was served
 * here: a participant in another process writes records this engine never sees.
 */
final class CoordinatedRecords {
    private final ConcurrentHashMap<String, Known> transactions = new ConcurrentHashMap<>();

    /**
     * One transaction's records persisted here, the calls made inside it here, those served here,
     * and what its inline participants left pending; kept while an execution that began it runs.
     */
    private static final class Known {
        final ConcurrentSkipListMap<byte[], byte[]> records = new ConcurrentSkipListMap<>(Keys.ORDER);
        final Set<String> called = ConcurrentHashMap.newKeySet();
        final Set<String> served = ConcurrentHashMap.newKeySet();
        /** Executions here holding participants of it that completed inline, not yet recorded. */
        final Set<InlineParticipants> inlinePending = ConcurrentHashMap.newKeySet();
        /**
         * Per participant request: the coordinator's call under which its completion was left
         * pending inline, or {@link #PERSISTED} once another execution of it persisted.
         */
        final ConcurrentHashMap<String, Object> inlineClaims = new ConcurrentHashMap<>();
        /** The executions here that began it afresh and have not ended it (a duplicate shares it). */
        int executions;
    }

    /** An execution of the participant request persisted (or is about to) other than by completing inline. */
    private static final Object PERSISTED = new Object();

    /** An execution here began transaction {@code txId} (not a replay of its begin); it calls {@link #ended} once. */
    void began(String txId) {
        transactions.compute(txId, (id, known) -> {
            Known began = known == null ? new Known() : known;
            began.executions++;
            return began;
        });
    }

    /** Whether an execution here began {@code txId} afresh, and not every one that did has ended. */
    boolean coordinates(String txId) {
        return transactions.containsKey(txId);
    }

    /** An execution here made a call inside {@code txId}, to request {@code calleeRequestId}. */
    void called(String txId, String calleeRequestId) {
        Known known = transactions.get(txId);
        if (known != null) {
            known.called.add(calleeRequestId);
        }
    }

    /** Request {@code requestId} runs here as a participant of {@code txId}. */
    void serving(String txId, String requestId) {
        Known known = transactions.get(txId);
        if (known != null) {
            known.served.add(requestId);
        }
    }

    /** A persist here committed {@code records} into {@code txId}. */
    void recorded(String txId, List<KeyValue> records) {
        Known known = transactions.get(txId);
        if (known != null) {
            for (KeyValue record : records) {
                known.records.put(record.key(), record.value());
            }
        }
    }

    /**
     * The records {@code txId} most likely has, in key order, or null when this engine cannot
     * tell (a transaction it does not coordinate, a replayed one, or a call inside it served elsewhere).
     */
    List<KeyValue> expected(String txId) {
        return allIfServedHere(txId, null);
    }

    /**
     * The records {@code txId} has, in key order, if every call made inside it from here but
     * {@code calleeRequestId}'s was served here (so that no other process wrote any); else null.
     */
    List<KeyValue> allIfServedHere(String txId, String calleeRequestId) {
        Known known = transactions.get(txId);
        if (known == null) {
            return null;
        }
        for (String called : known.called) {
            if (!called.equals(calleeRequestId) && !known.served.contains(called)) {
                return null;
            }
        }
        List<KeyValue> records = new ArrayList<>(known.records.size());
        known.records.forEach((key, value) -> records.add(new KeyValue(key, value)));
        return records;
    }

    /** {@code owner} holds participants of {@code txId} that completed inline ({@code pending}), or no longer. */
    void inlinePending(String txId, InlineParticipants owner, boolean pending) {
        Known known = transactions.get(txId);
        if (known != null) {
            if (pending) {
                known.inlinePending.add(owner);
            } else {
                known.inlinePending.remove(owner);
            }
        }
    }

    /**
     * Whether an execution here other than {@code seen} (the one whose inline participants the
     * asking execution sees, or null) holds participants of {@code txId} that completed inline:
     * records written now would miss their writes.
     */
    boolean inlinePendingBeyond(String txId, InlineParticipants seen) {
        Known known = transactions.get(txId);
        if (known == null || known.inlinePending.isEmpty()) {
            return false;
        }
        for (InlineParticipants owner : known.inlinePending) {
            if (owner != seen) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the callee of {@code call} may leave its completion pending inline: no other
     * execution of it here has persisted or left one pending. Duplicates of a request answer
     * alike only if the one answer they give is the one recorded, so one left pending excludes
     * any other execution's from being recorded before it ({@link #persisting}).
     */
    boolean claimInline(String txId, InlineParticipants.Call call) {
        Known known = transactions.get(txId);
        if (known == null) {
            return false;
        }
        Object holder = known.inlineClaims.putIfAbsent(call.calleeRequestId, call);
        return holder == null || holder == call;
    }

    /**
     * An execution of participant {@code requestId} of {@code txId}, running under {@code own}
     * (its coordinator's call on this thread, or null), is about to persist: from now on no
     * execution of it completes inline. Returns the call under which another execution left its
     * completion pending, which must be recorded first; else null.
     */
    InlineParticipants.Call persisting(String txId, String requestId, InlineParticipants.Call own) {
        Known known = transactions.get(txId);
        if (known == null) {
            return null;
        }
        Object holder = known.inlineClaims.put(requestId, PERSISTED);
        return holder instanceof InlineParticipants.Call pending && pending != own ? pending : null;
    }

    /**
     * An execution that {@link #began} {@code txId} ended it or stopped. What is known of it is
     * kept while another (a duplicate) still runs it: their inline claims stay in force.
     */
    void ended(String txId) {
        transactions.computeIfPresent(txId, (id, known) -> --known.executions == 0 ? null : known);
    }
}
