package dev.mu2sls.core;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mu2sls.NondeterminismException;
import dev.mu2sls.store.Keys;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Replay against a journal, as a table: the journal persisted, the steps a re-execution takes →
 * the values it replays, or where and how it diverges (G3).
 */
class StepLogTest {
    private static final Invocation INVOCATION = new Invocation("r1", "Hotel", "reserve", new byte[0], 1);
    private static final byte[] ROOMS_H1 = state("Hotel", "rooms", "h1");
    private static final byte[] ROOMS_H2 = state("Hotel", "rooms", "h2");
    private static final byte[] FLIGHT = "Flight.reserve".getBytes(UTF_8);
    private static final byte[] HOTEL = "Hotel.reserve".getBytes(UTF_8);
    private static final byte[] FIVE = "5".getBytes(UTF_8);

    /** The state key of {@code service.state[key]} with a string key, as the engine encodes it. */
    private static byte[] state(String service, String name, String key) {
        return KeySpace.concat(
                KeySpace.statePrefix(service, name),
                KeyCodec.of(String.class, service, name).encode(key));
    }

    private static JournalEntry entry(int step, JournalEntry.Op op, byte[] target, byte[] value) {
        return new JournalEntry(step, op, target, value);
    }

    /** One step a re-execution takes: its operation and target (and for a PUT, the value written). */
    record Step(JournalEntry.Op op, byte[] target, byte[] written) {
        static Step of(JournalEntry.Op op, byte[] target) {
            return new Step(op, target, null);
        }

        @Override
        public String toString() {
            return op.name();
        }
    }

    private static StepLog log(List<JournalEntry> journal) {
        List<byte[]> chunks = journal.isEmpty() ? List.of() : List.of(KeySpace.journalChunk("r1", 0));
        return new StepLog(
                INVOCATION,
                "Hotel",
                "reserve",
                FaultInjector.NONE,
                EngineObserver.Attempt.NONE,
                new StoredJournal(journal, chunks));
    }

    /**
     * Takes {@code steps} against {@code journal}, then returns: the value replayed at each step
     * ("replayed" for a write), or "run" past the journal's end.
     */
    private static List<String> replay(List<JournalEntry> journal, List<Step> steps) {
        StepLog log = log(journal);
        List<String> outcomes = new ArrayList<>();
        for (Step step : steps) {
            int s = log.begin(step.op(), step.target());
            JournalEntry recorded = log.replayed(s);
            if (step.op() == JournalEntry.Op.PUT && recorded != null) {
                log.checkPutValue(s, step.target(), ValueFingerprint.of(step.written()));
            }
            boolean write = step.op() == JournalEntry.Op.PUT || step.op() == JournalEntry.Op.REMOVE;
            outcomes.add(recorded == null ? "run" : write ? "replayed" : new String(recorded.value(), UTF_8));
        }
        log.checkReturn("Hotel.reserve");
        return outcomes;
    }

    static Stream<Arguments> replays() {
        return Stream.of(
                Arguments.of(
                        "nothing journaled: every step runs",
                        List.of(),
                        List.of(Step.of(JournalEntry.Op.GET, ROOMS_H1)),
                        List.of("run")),
                Arguments.of(
                        "a journaled GET replays its value",
                        List.of(entry(0, JournalEntry.Op.GET, ROOMS_H1, FIVE)),
                        List.of(Step.of(JournalEntry.Op.GET, ROOMS_H1)),
                        List.of("5")),
                Arguments.of(
                        "a journaled CALL replays, the next step runs",
                        List.of(entry(0, JournalEntry.Op.CALL, FLIGHT, "ok".getBytes(UTF_8))),
                        List.of(Step.of(JournalEntry.Op.CALL, FLIGHT), Step.of(JournalEntry.Op.GET, ROOMS_H1)),
                        List.of("ok", "run")),
                Arguments.of(
                        "a PUT of the value journaled replays",
                        List.of(entry(0, JournalEntry.Op.PUT, ROOMS_H1, ValueFingerprint.of(FIVE))),
                        List.of(new Step(JournalEntry.Op.PUT, ROOMS_H1, FIVE)),
                        List.of("replayed")),
                Arguments.of(
                        "a PUT journaled without a fingerprint (older journals) replays any value",
                        List.of(entry(0, JournalEntry.Op.PUT, ROOMS_H1, null)),
                        List.of(new Step(JournalEntry.Op.PUT, ROOMS_H1, "6".getBytes(UTF_8))),
                        List.of("replayed")),
                Arguments.of(
                        "a REMOVE replays",
                        List.of(entry(0, JournalEntry.Op.REMOVE, ROOMS_H1, null)),
                        List.of(Step.of(JournalEntry.Op.REMOVE, ROOMS_H1)),
                        List.of("replayed")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("replays")
    void begin_stepsMatchingTheJournal_replayItsValues(
            String name, List<JournalEntry> journal, List<Step> steps, List<String> expected) {
        assertThat(replay(journal, steps)).isEqualTo(expected);
    }

    static Stream<Arguments> divergences() {
        return Stream.of(
                Arguments.of(
                        "another operation at a step",
                        List.of(entry(0, JournalEntry.Op.PUT, ROOMS_H1, null)),
                        List.of(Step.of(JournalEntry.Op.CALL, FLIGHT)),
                        0,
                        "PUT Hotel.rooms[\"h1\"]",
                        "CALL Flight.reserve"),
                Arguments.of(
                        "another key",
                        List.of(entry(0, JournalEntry.Op.GET, ROOMS_H1, FIVE)),
                        List.of(Step.of(JournalEntry.Op.GET, ROOMS_H2)),
                        0,
                        "GET Hotel.rooms[\"h1\"]",
                        "GET Hotel.rooms[\"h2\"]"),
                Arguments.of(
                        "another callee, after a step that matched",
                        List.of(
                                entry(0, JournalEntry.Op.GET, ROOMS_H1, FIVE),
                                entry(1, JournalEntry.Op.CALL, FLIGHT, null)),
                        List.of(Step.of(JournalEntry.Op.GET, ROOMS_H1), Step.of(JournalEntry.Op.CALL, HOTEL)),
                        1,
                        "CALL Flight.reserve",
                        "CALL Hotel.reserve"),
                Arguments.of(
                        "a PUT of another value to the same key",
                        List.of(entry(0, JournalEntry.Op.PUT, ROOMS_H1, ValueFingerprint.of(FIVE))),
                        List.of(new Step(JournalEntry.Op.PUT, ROOMS_H1, "6".getBytes(UTF_8))),
                        0,
                        "PUT Hotel.rooms[\"h1\"] of the value journaled",
                        "PUT Hotel.rooms[\"h1\"] of another value"),
                Arguments.of(
                        "a drawn value where the journal has a state read",
                        List.of(entry(0, JournalEntry.Op.GET, ROOMS_H1, FIVE)),
                        List.of(Step.of(JournalEntry.Op.UUID, new byte[0])),
                        0,
                        "GET Hotel.rooms[\"h1\"]",
                        "Deterministic.uuid()"),
                Arguments.of(
                        "a return before the journal ends",
                        List.of(
                                entry(0, JournalEntry.Op.GET, ROOMS_H1, FIVE),
                                entry(1, JournalEntry.Op.TX_BEGIN, new byte[0], null)),
                        List.of(Step.of(JournalEntry.Op.GET, ROOMS_H1)),
                        1,
                        "Transaction.begin()",
                        "RETURN from Hotel.reserve"));
    }

    @ParameterizedTest(name = "{0}: diverges")
    @MethodSource("divergences")
    void begin_stepsOffTheJournal_diverge(
            String name, List<JournalEntry> journal, List<Step> steps, int step, String expected, String actual) {
        assertThatThrownBy(() -> replay(journal, steps)).isInstanceOfSatisfying(NondeterminismException.class, e -> {
            assertThat(e.getMessage())
                    .contains("step " + step)
                    .contains(expected)
                    .contains(actual);
        });
    }

    @Test
    void buffer_aStepARetryCannotReproduce_mustBePersistedBeforeACall() {
        StepLog log = log(List.of());
        log.buffer(entry(log.begin(JournalEntry.Op.CALL, FLIGHT), JournalEntry.Op.CALL, FLIGHT, null));
        assertThat(log.mustPersistBeforeCall()).isFalse();
        assertThat(log.impure()).isFalse();
        log.buffer(entry(log.begin(JournalEntry.Op.GET, ROOMS_H1), JournalEntry.Op.GET, ROOMS_H1, FIVE));
        assertThat(log.mustPersistBeforeCall()).isTrue();
        assertThat(log.impure()).isTrue();
    }

    @Test
    void persisted_movesThePendingStepsIntoTheJournal() {
        StepLog log = log(List.of(entry(0, JournalEntry.Op.GET, ROOMS_H1, FIVE)));
        log.begin(JournalEntry.Op.GET, ROOMS_H1);
        log.buffer(
                entry(log.begin(JournalEntry.Op.UUID, new byte[0]), JournalEntry.Op.UUID, new byte[0], new byte[16]));
        byte[] chunk = KeySpace.journalChunk("r1", 1);
        log.persisted(chunk, List.of());
        assertThat(log.persistedLength()).isEqualTo(2);
        assertThat(log.pending()).isEmpty();
        assertThat(log.mustPersistBeforeCall()).isFalse();
        assertThat(log.snapshot().chunkKeys()).hasSize(2).last().satisfies(k -> assertThat(Keys.ORDER.compare(k, chunk))
                .isZero());
    }

    @Test
    void begin_afterTheExecutionStopped_rethrowsTheStop() {
        StepLog log = log(List.of());
        ControlFlow fenced = new ControlFlow.Fenced(Response.success(FIVE));
        assertThatThrownBy(() -> log.stop(fenced)).isSameAs(fenced);
        assertThatThrownBy(() -> log.begin(JournalEntry.Op.GET, ROOMS_H1)).isSameAs(fenced);
        assertThat(log.next()).isZero();
    }
}
