package dev.mu2sls.core;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.mu2sls.store.Keys;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/** Transactions' status records and provisional records, read for the {@link Inspector}. */
final class TransactionListing {
    private final StoreScan scan;
    private final InstantSource clock;

    TransactionListing(StoreScan scan, InstantSource clock) {
        this.scan = scan;
        this.clock = clock;
    }

    /** Transactions still pending, oldest first; at most {@code limit}. */
    List<Inspector.PendingTransaction> pending(int limit) {
        long now = clock.millis();
        List<Inspector.PendingTransaction> pending = new ArrayList<>();
        scan.forEach(KeySpace.TX_STATUS, kv -> {
            TxStatus status = TxStatus.decode(kv.key(), kv.value());
            if (status.state() == TxStatus.State.PENDING) {
                pending.add(pendingTransaction(KeySpace.txIdOf(kv.key()), status.atMillis(), now));
            }
        });
        pending.sort(Comparator.comparing(Inspector.PendingTransaction::since)
                .thenComparing(Inspector.PendingTransaction::id));
        return List.copyOf(pending.subList(0, Math.min(limit, pending.size())));
    }

    /** The transactions {@code requestId} or its calls began, in id order. */
    List<Inspector.Transaction> begunBy(String requestId) {
        List<Inspector.Transaction> transactions = new ArrayList<>();
        scan.forEach(KeySpace.txStatus(requestId + "/"), KeySpace.txStatus(requestId + "0"), kv -> {
            TxStatus status = TxStatus.decode(kv.key(), kv.value());
            transactions.add(new Inspector.Transaction(
                    KeySpace.txIdOf(kv.key()), describe(status.state()), Instant.ofEpochMilli(status.atMillis())));
        });
        transactions.sort(Comparator.comparing(Inspector.Transaction::id, RequestIds::compare));
        return transactions;
    }

    private Inspector.PendingTransaction pendingTransaction(String txId, long sinceMillis, long now) {
        byte[] prefix = KeySpace.txRecords(txId);
        Set<String> participants = new LinkedHashSet<>();
        Set<String> writes = new TreeSet<>();
        scan.forEach(prefix, Keys.prefixEnd(prefix), kv -> {
            byte[] key = kv.key();
            byte kind = key[prefix.length];
            if (kind == KeySpace.TX_WRITE) {
                writes.add(KeySpace.describeState(KeySpace.stateKeyOfTxWrite(txId, key)));
            } else {
                // P txId 0 kind R requestId 0 step(int)
                participants.add(new String(key, prefix.length + 2, key.length - prefix.length - 2 - 5, UTF_8));
            }
        });
        String coordinator = txId.substring(0, txId.lastIndexOf('/'));
        return new Inspector.PendingTransaction(
                txId,
                coordinator,
                Instant.ofEpochMilli(sinceMillis),
                Math.max(0, now - sinceMillis),
                List.copyOf(participants),
                List.copyOf(writes));
    }

    private static String describe(TxStatus.State state) {
        return state.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    /** What the store holds about transactions right now. */
    Inspector.TransactionCounts counts() {
        List<TxStatus> statuses = new ArrayList<>();
        scan.forEach(KeySpace.TX_STATUS, kv -> statuses.add(TxStatus.decode(kv.key(), kv.value())));
        int ended =
                (int) statuses.stream().filter(status -> status.state().ended()).count();
        return new Inspector.TransactionCounts(statuses.size() - ended, ended, scan.count(KeySpace.TX_RECORDS));
    }
}
