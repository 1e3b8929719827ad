package dev.mu2sls.core;

import dev.mu2sls.store.KeyValue;
import dev.mu2sls.store.StoreTransaction;

/**
 * A client request and everything recorded under its id: the records and journals of the calls it
 * made ({@code id/step}, and theirs in turn) and the statuses of the transactions they began. They
 * are dropped together, once no execution can consult them (docs/architecture.md, "What the
 * engine deletes"): a call's record is a fence its caller's re-executions rely on for as long as
 * the client request may run, so it never expires before the request's own response does.
 */
final class RequestTree {
    private RequestTree() {}

    /**
     * Drops the response of {@code requestId} if it is still recorded as ended before
     * {@code cutoff}: with its whole tree for a client request, alone (with its journal) for a call
     * whose client request recorded nothing of its own.
     *
     * @return the number of responses dropped (0 or 1)
     */
    static int expire(StoreTransaction tx, String requestId, long cutoff) {
        byte[] requestKey = KeySpace.request(requestId);
        if (!(RequestRecord.decode(requestKey, tx.get(requestKey)) instanceof RequestRecord.Completed completed)
                || completed.completedAtMillis() >= cutoff) {
            return 0;
        }
        if (isRoot(requestId)) {
            deleteRange(tx, KeySpace.request(requestId + "/"), KeySpace.request(requestId + "0"));
            deleteRange(tx, KeySpace.journalPrefix(requestId + "/"), KeySpace.journalPrefix(requestId + "0"));
            deleteRange(tx, KeySpace.txStatus(requestId + "/"), KeySpace.txStatus(requestId + "0"));
        } else if (rootIsRecorded(tx, requestId)) {
            return 0; // goes with its client request
        }
        deleteRange(tx, KeySpace.journalPrefix(requestId), KeySpace.journalEnd(requestId)); // a quarantined request's
        tx.delete(requestKey);
        return 1;
    }

    /** Drops an ended transaction's status whose client request recorded nothing (else it goes with it). */
    static Void expireOrphanStatus(StoreTransaction tx, String txId, long cutoff) {
        byte[] statusKey = KeySpace.txStatus(txId);
        TxStatus status = TxStatus.decode(statusKey, tx.get(statusKey));
        if (status != null && status.state().ended() && status.atMillis() < cutoff && !rootIsRecorded(tx, txId)) {
            tx.delete(statusKey);
        }
        return null;
    }

    private static boolean isRoot(String requestId) {
        return requestId.indexOf('/') < 0;
    }

    /** Whether the client request that {@code derivedId} descends from has a record or an acceptance record. */
    private static boolean rootIsRecorded(StoreTransaction tx, String derivedId) {
        String root = derivedId.substring(0, derivedId.indexOf('/'));
        return tx.get(KeySpace.request(root)) != null || tx.get(KeySpace.accepted(root)) != null;
    }

    private static void deleteRange(StoreTransaction tx, byte[] from, byte[] to) {
        for (KeyValue kv : tx.scan(from, to, Integer.MAX_VALUE)) {
            tx.delete(kv.key());
        }
    }
}
