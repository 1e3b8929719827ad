package dev.mu2sls.core;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mu2sls.store.Keys;
import dev.mu2sls.store.MemoryStore;
import dev.mu2sls.store.Store;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * When a transaction's end validates its reads: always, except for a read-only transaction
 * whose reads were all recorded (and validated) by one segment.
 */
class TxWritesTest {
    private static final byte[] X = "sx".getBytes(UTF_8);
    private static final byte[] Y = "sy".getBytes(UTF_8);
    private final Store store = new MemoryStore();

    private void put(byte[] key, String value) {
        store.run(st -> {
            st.put(key, value.getBytes(UTF_8));
            return null;
        });
    }

    /** A participant segment that read {@code keys} (as the store holds them now) and wrote {@code writes}. */
    private void recordSegment(
            String txId, String requestId, int segment, int firstStep, List<byte[]> keys, Map<byte[], byte[]> writes) {
        store.run(st -> {
            Segment buffered = new Segment();
            keys.forEach(key -> buffered.read(firstStep + keys.indexOf(key), key, st.get(key)));
            writes.forEach((key, value) -> buffered.write(key, Write.of(value)));
            TxWrites.record(st, txId, requestId, segment, buffered, 0);
            return null;
        });
    }

    private TxOutcome commit(String txId) {
        return store.run(st -> TxWrites.finish(
                st,
                txId,
                true,
                new Segment(),
                null,
                TxWrites.Inline.NONE,
                0,
                new TreeMap<>(Keys.ORDER),
                new ArrayList<>()));
    }

    @Test
    void readOnly_oneSegment_commitsAtTheSegment_evenIfItsReadsChangedSince() {
        put(X, "1");
        put(Y, "1");
        recordSegment("t1", "r1", 0, 0, List.of(X, Y), Map.of());
        put(X, "2");
        assertThat(commit("t1")).isEqualTo(TxOutcome.COMMITTED);
    }

    @Test
    void readOnly_twoSegmentsOfOneRequest_validatesAndConflicts() {
        put(X, "1");
        put(Y, "1");
        recordSegment("t2", "r1", 0, 0, List.of(X), Map.of());
        put(X, "2"); // between the two segments: no single moment explains both reads
        recordSegment("t2", "r1", 1, 1, List.of(Y), Map.of());
        assertThat(commit("t2")).isEqualTo(TxOutcome.CONFLICT);
    }

    @Test
    void readOnly_segmentsOfTwoParticipants_validatesAndConflicts() {
        put(X, "1");
        put(Y, "1");
        recordSegment("t3", "r1", 0, 0, List.of(X), Map.of());
        recordSegment("t3", "r2", 0, 0, List.of(Y), Map.of());
        put(X, "2");
        assertThat(commit("t3")).isEqualTo(TxOutcome.CONFLICT);
    }

    @Test
    void withWrites_oneSegment_validatesAndConflicts() {
        put(X, "1");
        recordSegment("t4", "r1", 0, 0, List.of(X), Map.of(Y, "written".getBytes(UTF_8)));
        put(X, "2");
        assertThat(commit("t4")).isEqualTo(TxOutcome.CONFLICT);
        assertThat(store.get(Y)).isNull();
    }

    @Test
    void readOnly_oneSegment_unchanged_commits() {
        put(X, "1");
        recordSegment("t5", "r1", 0, 0, List.of(X), Map.of());
        assertThat(commit("t5")).isEqualTo(TxOutcome.COMMITTED);
    }

    private TxStatus status(String txId) {
        return TxStatus.decode(KeySpace.txStatus(txId), store.get(KeySpace.txStatus(txId)));
    }

    private void announce(String txId, long atMillis) {
        store.run(st -> {
            TxWrites.announce(st, txId, atMillis);
            return null;
        });
    }

    @Test
    void announced_participantsOnlyFindTheStatus_andTheCommitAppliesTheirWrites() {
        announce("t6", 7);
        store.run(st -> {
            Segment buffered = new Segment();
            buffered.write(X, Write.of("x".getBytes(UTF_8)));
            TxWrites.record(st, "t6", "r1", 0, buffered, 99);
            return null;
        });
        assertThat(status("t6")).isEqualTo(new TxStatus(TxStatus.State.PENDING, 7)); // not written again
        assertThat(commit("t6")).isEqualTo(TxOutcome.COMMITTED);
        assertThat(store.get(X)).isEqualTo("x".getBytes(UTF_8));
    }

    @Test
    void announcedAgainAfterItEnded_staysEnded() {
        announce("t7", 1);
        assertThat(commit("t7")).isEqualTo(TxOutcome.COMMITTED);
        announce("t7", 2); // a re-execution that calls again
        assertThat(status("t7").state()).isEqualTo(TxStatus.State.COMMITTED);
    }

    @Test
    void notAnnounced_aParticipantWritesThePendingStatus() {
        recordSegment("t8", "r1", 0, 0, List.of(), Map.of(X, "x".getBytes(UTF_8)));
        assertThat(status("t8")).isEqualTo(new TxStatus(TxStatus.State.PENDING, 0));
        assertThat(commit("t8")).isEqualTo(TxOutcome.COMMITTED);
    }

    @Test
    void aLateParticipant_recordsNothing() {
        announce("t9", 1);
        assertThat(commit("t9")).isEqualTo(TxOutcome.COMMITTED);
        recordSegment("t9", "r1", 0, 0, List.of(), Map.of(X, "late".getBytes(UTF_8)));
        assertThat(store.scan(KeySpace.txRecords("t9"), Keys.prefixEnd(KeySpace.txRecords("t9")), 10))
                .isEmpty();
        assertThat(status("t9").state()).isEqualTo(TxStatus.State.COMMITTED);
    }
}
