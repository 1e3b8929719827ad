package dev.mu2sls.core;

import dev.mu2sls.spi.Codec;
import dev.mu2sls.store.KeyValue;
import dev.mu2sls.store.Store;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What the store holds, for tests and tools ({@link Engine#dumpState}, {@link Engine#requestCounts},
 * {@link Engine#transactionCounts}): whole key spaces read straight from the store, uncounted.
 */
final class StoreInspector {
    private final Store store;
    private final Codec codec;

    StoreInspector(Store store, Codec codec) {
        this.store = store;
        this.codec = codec;
    }

    private List<KeyValue> all(byte kind) {
        return store.scan(KeySpace.rangeStart(kind), KeySpace.rangeEnd(kind), Integer.MAX_VALUE);
    }

    SortedMap<String, String> dumpState() {
        SortedMap<String, String> state = new TreeMap<>();
        for (KeyValue kv : all(KeySpace.STATE)) {
            state.put(KeySpace.describeState(kv.key()), codec.toJson(kv.value()));
        }
        return state;
    }

    Engine.RequestCounts requestCounts() {
        int journalChunks = all(KeySpace.JOURNAL).size();
        int running = 0;
        int completed = 0;
        int quarantined = 0;
        for (KeyValue kv : all(KeySpace.REQUEST)) {
            if (RequestRecord.decode(kv.key(), kv.value()) instanceof RequestRecord.Completed ended) {
                completed++;
                if (ended.quarantined()) {
                    quarantined++;
                    String requestId = KeySpace.requestIdOf(kv.key());
                    // kept for the operator until the response expires: not left behind
                    journalChunks -= store.scan(KeySpace.journalPrefix(requestId), KeySpace.journalEnd(requestId),
                            Integer.MAX_VALUE).size();
                }
            } else {
                running++;
            }
        }
        return new Engine.RequestCounts(journalChunks, running, completed, quarantined);
    }

    Engine.TransactionCounts transactionCounts() {
        int pending = 0;
        int ended = 0;
        for (KeyValue kv : all(KeySpace.TX_STATUS)) {
            if (TxStatus.decode(kv.key(), kv.value()).state().ended()) {
                ended++;
            } else {
                pending++;
            }
        }
        return new Engine.TransactionCounts(pending, ended, all(KeySpace.TX_RECORDS).size());
    }
}
