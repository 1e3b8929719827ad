package dev.mu2sls.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mu2sls.NondeterminismException;
import dev.mu2sls.core.CrashPoint;
import dev.mu2sls.examples.counter.CounterDispatcher;
import dev.mu2sls.examples.flaky.Flaky;
import dev.mu2sls.examples.flaky.FlakyDispatcher;
import dev.mu2sls.simulator.FaultPlan;
import dev.mu2sls.simulator.Simulator;
import dev.mu2sls.testing.SkipAfterRunCheck;
import java.util.List;
import org.junit.jupiter.api.Test;

/** G3: a handler that does something else on replay is reported, and its divergent run applies nothing. */
class NondeterminismTest {

    @Test
    @SkipAfterRunCheck("the diverged request fails for good, so its journal stays behind for diagnosis")
    void handlerDivergingOnReplay_isReportedWithServiceMethodStepExpectedActual() {
        Flaky.EXECUTIONS.set(0);
        // Crash the first execution right before its call: its PUT (step 0) is journaled by then.
        FaultPlan plan = FaultPlan.builder(1).crashAt("flaky-1", CrashPoint.BEFORE_CALL, 1).build();
        try (Simulator simulator = Simulator.builder()
                .services(List.of(new FlakyDispatcher(), new CounterDispatcher())).faultPlan(plan).build()) {
            assertThatThrownBy(() -> simulator.call("flaky-1", "Flaky", "write", "[\"k\"]"))
                    .isInstanceOfSatisfying(NondeterminismException.class, e -> {
                        assertThat(e.requestId()).isEqualTo("flaky-1");
                        assertThat(e.service()).isEqualTo("Flaky");
                        assertThat(e.method()).isEqualTo("write");
                        assertThat(e.step()).isZero();
                        assertThat(e.expected()).isEqualTo("PUT Flaky.notes[\"k\"]");
                        assertThat(e.actual()).isEqualTo("PUT Flaky.notes[\"other-k\"]");
                        assertThat(e.getMessage()).contains("diverged on replay", "Deterministic");
                    });
            assertThat(simulator.engine().dumpState())
                    .containsEntry("Flaky.notes[\"k\"]", "\"first\"")
                    .doesNotContainKey("Flaky.notes[\"other-k\"]")
                    .doesNotContainKey("Counter.counts[\"k\"]");
        }
    }
}
