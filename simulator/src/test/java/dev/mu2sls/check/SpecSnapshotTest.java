package dev.mu2sls.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mu2sls.json.JsonCodec;
import dev.mu2sls.spec.RecordedChoices;
import dev.mu2sls.spec.SpecRunner;
import java.util.List;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;

/** The spec's snapshots and state hash, which the history checker backtracks and memoizes on. */
class SpecSnapshotTest {

    private static SpecRunner spec() {
        return new SpecRunner(List.of(new CounterDefinition()), new JsonCodec(), new RecordedChoices(1));
    }

    @Test
    void restore_undoesEveryWriteSinceTheSnapshot_andNestedSnapshotsStayUsable() {
        SpecRunner spec = spec();
        spec.call("r1", "Counter", "add", "[\"a\", 1]");
        SortedMap<String, String> atOuter = spec.dumpState();
        SpecRunner.Snapshot outer = spec.snapshot();
        spec.call("r2", "Counter", "add", "[\"a\", 5]");
        SortedMap<String, String> atInner = spec.dumpState();
        SpecRunner.Snapshot inner = spec.snapshot();
        spec.call("r3", "Counter", "add", "[\"b\", 7]");

        spec.restore(inner);
        assertThat(spec.dumpState()).isEqualTo(atInner);
        spec.call("r3", "Counter", "add", "[\"c\", 7]");
        spec.restore(inner);
        assertThat(spec.dumpState()).isEqualTo(atInner);
        spec.restore(outer);
        assertThat(spec.dumpState()).isEqualTo(atOuter);
        assertThatThrownBy(() -> spec.restore(inner))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot roll back");
    }

    @Test
    void stateHash_dependsOnTheStateOnly_notOnTheOrderOfWrites() {
        SpecRunner one = spec();
        one.call("r1", "Counter", "add", "[\"a\", 1]");
        one.call("r2", "Counter", "add", "[\"b\", 2]");
        SpecRunner other = spec();
        other.call("r2", "Counter", "add", "[\"b\", 2]");
        other.call("r1", "Counter", "add", "[\"a\", 1]");
        assertThat(one.stateHash()).isEqualTo(other.stateHash());
        other.call("r3", "Counter", "add", "[\"a\", 0]");
        assertThat(one.stateHash()).as("rewriting the same value").isEqualTo(other.stateHash());
        other.call("r4", "Counter", "add", "[\"a\", 1]");
        assertThat(one.stateHash()).isNotEqualTo(other.stateHash());
    }

    @Test
    void abortedTransaction_isUndoneThroughTheLog_andLeavesTheHashAsBefore() {
        SpecRunner spec = spec();
        spec.call("r1", "Counter", "add", "[\"a\", 1]");
        long before = spec.stateHash();
        SortedMap<String, String> state = spec.dumpState();
        assertThat(spec.call("r2", "Counter", "addBoth", "[\"a\", \"b\", -3]").ok())
                .isTrue();
        assertThat(spec.dumpState()).isEqualTo(state);
        assertThat(spec.stateHash()).isEqualTo(before);
    }
}
