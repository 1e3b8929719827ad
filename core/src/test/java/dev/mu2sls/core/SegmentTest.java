package dev.mu2sls.core;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mu2sls.store.KeyValue;
import dev.mu2sls.store.Keys;
import dev.mu2sls.store.MemoryStore;
import dev.mu2sls.store.Store;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A segment's reads and writes: what a scan sees through them, and what persisting them decides. */
class SegmentTest {
    private static final byte[] A = bytes("sa");
    private static final byte[] B = bytes("sb");
    private static final byte[] C = bytes("sc");

    private static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }

    private static Map<byte[], Write> writes(Object... keysAndValues) {
        Map<byte[], Write> writes = new TreeMap<>(Keys.ORDER);
        for (int i = 0; i < keysAndValues.length; i += 2) {
            writes.put((byte[]) keysAndValues[i], Write.of((byte[]) keysAndValues[i + 1]));
        }
        return writes;
    }

    private static List<KeyValue> committed(Object... keysAndValues) {
        return writes(keysAndValues).entrySet().stream()
                .map(e -> new KeyValue(e.getKey(), e.getValue().valueOrNull()))
                .toList();
    }

    static Stream<Arguments> overlays() {
        return Stream.of(
                Arguments.of(
                        "committed state alone",
                        committed(A, bytes("1"), B, bytes("2")),
                        writes(),
                        writes(),
                        10,
                        "sa=1 sb=2"),
                Arguments.of(
                        "the limit cuts the result",
                        committed(A, bytes("1"), B, bytes("2")),
                        writes(),
                        writes(),
                        1,
                        "sa=1"),
                Arguments.of(
                        "own writes over committed state",
                        committed(A, bytes("1")),
                        writes(),
                        writes(A, bytes("9"), C, bytes("3")),
                        10,
                        "sa=9 sc=3"),
                Arguments.of(
                        "own delete hides a committed entry",
                        committed(A, bytes("1"), B, bytes("2")),
                        writes(),
                        writes(A, null),
                        10,
                        "sb=2"),
                Arguments.of(
                        "provisional writes over committed state",
                        committed(A, bytes("1")),
                        writes(A, bytes("7")),
                        writes(),
                        10,
                        "sa=7"),
                Arguments.of(
                        "own writes over provisional ones",
                        committed(),
                        writes(A, bytes("7"), B, null),
                        writes(A, bytes("8")),
                        10,
                        "sa=8"),
                Arguments.of(
                        "a provisional delete hides a committed entry, the limit counts what is seen",
                        committed(A, bytes("1"), B, bytes("2"), C, bytes("3")),
                        writes(A, null),
                        writes(),
                        1,
                        "sb=2"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overlays")
    void overlay_committedProvisionalAndOwnWrites_scanSeesTheNewest(
            String name,
            List<KeyValue> committed,
            Map<byte[], Write> provisional,
            Map<byte[], Write> own,
            int limit,
            String expected) {
        List<KeyValue> seen = StateSteps.overlay(committed, provisional, own, limit);
        assertThat(String.join(
                        " ",
                        seen.stream()
                                .map(kv -> new String(kv.key(), UTF_8) + "=" + new String(kv.value(), UTF_8))
                                .toList()))
                .isEqualTo(expected);
    }

    @Test
    void persist_aReadThatChanged_conflictsWritesNothingAndReportsTheStaleValue() {
        Store store = new MemoryStore();
        store.run(st -> {
            st.put(A, bytes("2"));
            return null;
        });
        Segment segment = new Segment();
        segment.read(0, A, bytes("1"));
        segment.write(B, Write.of(bytes("x")));
        StateCache cache = new StateCache(16);
        cache.committed(A, bytes("1"));
        boolean persisted = store.run(st -> segment.persist(st, null, "r1", 0, cache, 0));
        assertThat(persisted).isFalse();
        assertThat(store.get(B)).isNull();
        assertThat(cache.lookup(A)).as("the stale value is dropped").isNull();
    }

    @Test
    void persist_readsUnchanged_appliesWritesAndDeletes() {
        Store store = new MemoryStore();
        store.run(st -> {
            st.put(A, bytes("1"));
            st.put(C, bytes("3"));
            return null;
        });
        Segment segment = new Segment();
        segment.read(0, A, bytes("1"));
        segment.write(B, Write.of(bytes("x")));
        segment.write(C, Write.DELETE);
        boolean persisted = store.run(st -> segment.persist(st, null, "r1", 0, new StateCache(0), 0));
        assertThat(persisted).isTrue();
        assertThat(store.get(B)).isEqualTo(bytes("x"));
        assertThat(store.get(C)).isNull();
    }
}
