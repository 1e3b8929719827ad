package dev.mu2sls.core;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mu2sls.Deterministic;
import dev.mu2sls.NondeterminismException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code Deterministic.version} against a journal: the cases {@code VersionUpgradeTest} does not reach. */
class VersionStepsTest {
    private static final Invocation INVOCATION = new Invocation("r1", "Shop", "pay", new byte[0], 1);
    private static final byte[] FRAUD = "add-fraud-check".getBytes(UTF_8);

    @Test
    void recordedVersionAboveMaxSupported_diverges() {
        StepLog log = log(List.of(new JournalEntry(0, JournalEntry.Op.VERSION, FRAUD, VersionSteps.encode(2))));

        assertThatThrownBy(() -> new VersionSteps(log).version("add-fraud-check", 1))
                .isInstanceOf(NondeterminismException.class)
                .hasMessageContaining("step 0")
                .hasMessageContaining("Deterministic.version(\"add-fraud-check\") of at least 2")
                .hasMessageContaining("Deterministic.version(\"add-fraud-check\", 1)");
    }

    /** Another change's step is where this call stands: that code predates this change. */
    @Test
    void anotherChangesStep_isTheOldCode_andTakesNoStep() {
        StepLog log = log(
                List.of(new JournalEntry(0, JournalEntry.Op.VERSION, "other".getBytes(UTF_8), VersionSteps.encode(1))));
        VersionSteps versions = new VersionSteps(log);

        assertThat(versions.version("add-fraud-check", 3)).isEqualTo(Deterministic.DEFAULT_VERSION);
        assertThat(log.next()).isZero();
        assertThat(versions.version("other", 1)).isEqualTo(1);
        assertThat(log.next()).isEqualTo(1);
    }

    /** The first answer holds: a second call of the same change takes no step, fresh or replayed. */
    @Test
    void sameChangeAgain_getsTheFirstAnswer_withoutAStep() {
        StepLog log = log(List.of());
        VersionSteps versions = new VersionSteps(log);

        assertThat(versions.version("add-fraud-check", 2)).isEqualTo(2);
        assertThat(versions.version("add-fraud-check", 5)).isEqualTo(2);
        assertThat(log.pending()).hasSize(1);
        assertThat(log.next()).isEqualTo(1);
    }

    private static StepLog log(List<JournalEntry> journal) {
        List<byte[]> chunks = journal.isEmpty() ? List.of() : List.of(KeySpace.journalChunk("r1", 0));
        return new StepLog(
                INVOCATION,
                "Shop",
                "pay",
                FaultInjector.NONE,
                EngineObserver.Attempt.NONE,
                new StoredJournal(journal, chunks));
    }
}
