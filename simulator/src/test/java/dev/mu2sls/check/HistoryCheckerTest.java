package dev.mu2sls.check;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mu2sls.check.History.Operation;
import dev.mu2sls.check.History.Outcome;
import dev.mu2sls.core.Response;
import dev.mu2sls.spec.Choices;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Hand-made histories with a known answer: the checker accepts the explainable ones and explains why not the others. */
class HistoryCheckerTest {
    private static final HistoryChecker CHECKER =
            HistoryChecker.builder(List.of(new CounterDefinition())).build();

    @Test
    void sequentialHistory_matchingSpec_isLinearizable() {
        HistoryChecker.Result result = CHECKER.check(
                List.of(
                        add("r1", "k", 3, 1, 2, "3"),
                        add("r2", "k", 2, 3, 4, "5"),
                        op("r3", "get", "[\"k\"]", 5, 6, "5")),
                state("k", 5));
        assertThat(result.ok()).as(result.report()).isTrue();
        assertThat(((HistoryChecker.Result.Linearizable) result).order()).containsExactly("r1", "r2", "r3");
    }

    @Test
    void overlappingRequests_serializedAgainstInvocationOrder_isLinearizable() {
        // r2 was invoked after r1 but took effect first; both windows overlap.
        HistoryChecker.Result result =
                CHECKER.check(List.of(add("r1", "k", 3, 1, 4, "5"), add("r2", "k", 2, 2, 3, "2")), state("k", 5));
        assertThat(result.ok()).as(result.report()).isTrue();
        assertThat(((HistoryChecker.Result.Linearizable) result).order()).containsExactly("r2", "r1");
    }

    @Test
    void addAppliedTwice_isViolation_namingTheRequestAndBothValues() {
        HistoryChecker.Result result =
                CHECKER.check(List.of(add("r1", "k", 3, 1, 2, "6"), add("r2", "k", 2, 3, 4, "8")), state("k", 8));
        assertThat(result).isInstanceOf(HistoryChecker.Result.Violation.class);
        HistoryChecker.Result.Violation violation = (HistoryChecker.Result.Violation) result;
        assertThat(violation.longestPrefix()).isEmpty();
        assertThat(violation.mismatches())
                .containsExactly(new HistoryChecker.Mismatch("r1: Counter.add[\"k\", 3]", "ok 6", "ok 3"));
        assertThat(result.report())
                .contains("NOT linearizable", "r1: Counter.add[\"k\", 3]  observed ok 6, spec answers ok 3");
    }

    @Test
    void responseOrderAgainstRealTime_isViolation() {
        // r1 returned before r2 was invoked, so r1 comes first: r2 cannot have seen the empty counter.
        HistoryChecker.Result result =
                CHECKER.check(List.of(add("r1", "k", 1, 1, 2, "2"), add("r2", "k", 1, 3, 4, "1")), state("k", 2));
        assertThat(result).isInstanceOf(HistoryChecker.Result.Violation.class);
        assertThat(((HistoryChecker.Result.Violation) result).mismatches())
                .extracting(HistoryChecker.Mismatch::request)
                .containsExactly("r1: Counter.add[\"k\", 1]");
    }

    @Test
    void responsesExplainedButFinalStateDiffers_isViolation_listingTheEntries() {
        HistoryChecker.Result result = CHECKER.check(
                List.of(add("r1", "k", 3, 1, 2, "3"), add("r2", "j", 1, 1, 3, "1")), state("k", 6, "j", 1));
        assertThat(result).isInstanceOf(HistoryChecker.Result.Violation.class);
        HistoryChecker.Result.Violation violation = (HistoryChecker.Result.Violation) result;
        assertThat(violation.longestPrefix()).hasSize(2);
        assertThat(violation.stateDifferences()).containsExactly("Counter.counts[\"k\"]: 6 vs 3");
        assertThat(result.report()).contains("final state differs");
    }

    @Test
    void requestWithUnknownOutcome_mayTakeEffectOnceOrNotAtAll() {
        List<Operation> history = List.of(
                add("r1", "k", 3, 1, 2, "3"), pending("r2", "add", "[\"k\", 10]", 3), add("r3", "k", 1, 4, 5, null));
        assertThat(CHECKER.check(history, state("k", 3)).ok()).isTrue();
        assertThat(CHECKER.check(history, state("k", 13)).ok()).isTrue();
        assertThat(CHECKER.check(history, state("k", 14)).ok()).isTrue();
        assertThat(CHECKER.check(history, state("k", 23)).ok())
                .as("applied twice")
                .isFalse();
    }

    @Test
    void sameRequestIdSentTwice_isOneRequest_withOneResponse() {
        assertThat(CHECKER.check(List.of(add("r1", "k", 3, 1, 2, "3"), add("r1", "k", 3, 3, 4, "3")), state("k", 3))
                        .ok())
                .isTrue();
        assertThat(CHECKER.check(List.of(add("r1", "k", 3, 1, 2, "3"), add("r1", "k", 3, 3, 4, "6")), state("k", 6))
                        .ok())
                .as("the retry applied again")
                .isFalse();
    }

    @Test
    void abortedTransaction_hasNoEffectInTheSpec() {
        List<Operation> history = List.of(op("r1", "addBoth", "[\"a\", \"b\", -1]", 1, 2, "false"));
        assertThat(CHECKER.check(history, new TreeMap<>()).ok()).isTrue();
        HistoryChecker.Result halfApplied = CHECKER.check(history, state("a", -1));
        assertThat(halfApplied.ok()).isFalse();
        assertThat(((HistoryChecker.Result.Violation) halfApplied).stateDifferences())
                .containsExactly("Counter.counts[\"a\"]: -1 vs absent");
    }

    @Test
    void nondeterministicChoices_areTheImplementations() {
        UUID ticket = new UUID(7, 42);
        HistoryChecker checker = HistoryChecker.builder(List.of(new CounterDefinition()))
                .choices(new FixedChoices(ticket))
                .build();
        List<Operation> history = List.of(op("r1", "ticket", "[]", 1, 2, "\"" + ticket + "\""));
        assertThat(checker.check(history, new TreeMap<>()).ok()).isTrue();
        assertThat(CHECKER.check(history, new TreeMap<>()).ok())
                .as("without the recorded choice")
                .isFalse();
    }

    @Test
    void manyConcurrentRequestsAndTinyBudget_isInconclusive_notHanging() {
        List<Operation> history = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            history.add(add("r" + i, "k" + i, 1, i, 100 + i, "1"));
        }
        HistoryChecker tiny = HistoryChecker.builder(List.of(new CounterDefinition()))
                .maxConfigurations(5)
                .build();
        HistoryChecker.Result result = tiny.check(history, new TreeMap<>());
        assertThat(result).isInstanceOf(HistoryChecker.Result.Inconclusive.class);
        assertThat(result.report()).startsWith("INCONCLUSIVE: search budget of 5 configurations exceeded");
    }

    @Test
    void commutingConcurrentRequests_areMergedByMemoization() {
        // 12 adds to distinct keys, all concurrent: 12! orders, but 2^12 sets of placed requests at most.
        List<Operation> history = new ArrayList<>();
        SortedMap<String, String> state = new TreeMap<>();
        for (int i = 0; i < 12; i++) {
            history.add(add("r" + i, "k" + i, 1, i, 100 + i, "1"));
            state.put("Counter.counts[\"k" + i + "\"]", "1");
        }
        state.put("Counter.counts[\"k3\"]", "2"); // not explainable: the search must exhaust every configuration
        HistoryChecker.Result result = CHECKER.check(history, state);
        assertThat(result.ok()).isFalse();
        assertThat(result.stats().configurations()).isLessThanOrEqualTo(1 << 12);
    }

    private static Operation add(String id, String key, long delta, long invoked, long returned, String value) {
        String args = "[\"" + key + "\", " + delta + "]";
        return value == null ? pending(id, "add", args, invoked) : op(id, "add", args, invoked, returned, value);
    }

    private static Operation op(String id, String method, String args, long invoked, long returned, String value) {
        return new Operation(
                id,
                "Counter",
                method,
                args,
                invoked,
                returned,
                new Outcome.Returned(Response.success(value.getBytes(UTF_8))));
    }

    private static Operation pending(String id, String method, String args, long invoked) {
        return new Operation(
                id, "Counter", method, args, invoked, Operation.NEVER, new Outcome.Unknown("never returned"));
    }

    private static SortedMap<String, String> state(Object... keysAndValues) {
        SortedMap<String, String> state = new TreeMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            state.put("Counter.counts[\"" + keysAndValues[i] + "\"]", String.valueOf(keysAndValues[i + 1]));
        }
        return state;
    }

    /** Hands out one fixed uuid. */
    private record FixedChoices(UUID uuid) implements Choices {
        @Override
        public UUID uuid(String requestId, int step) {
            return uuid;
        }

        @Override
        public Instant now(String requestId, int step) {
            return Instant.EPOCH;
        }

        @Override
        public long randomSeed(String requestId, int step) {
            return 0;
        }

        @Override
        public int any(String requestId, int step, int count) {
            return 0;
        }
    }
}
