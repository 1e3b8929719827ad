package dev.mu2sls.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mu2sls.NondeterminismException;
import dev.mu2sls.core.CrashPoint;
import dev.mu2sls.core.Response;
import dev.mu2sls.examples.counter.CounterDispatcher;
import dev.mu2sls.examples.flaky.Flaky;
import dev.mu2sls.examples.flaky.FlakyDispatcher;
import dev.mu2sls.simulator.FaultPlan;
import dev.mu2sls.simulator.Simulator;
import dev.mu2sls.testing.SkipAfterRunCheck;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * G3: a handler that does something else on replay is reported, its divergent run applies
 * nothing, and the request is quarantined: answered with the report, now and on every delivery.
 */
class NondeterminismTest {

    @Test
    @SkipAfterRunCheck("the diverged request fails for good, so its journal stays behind for diagnosis")
    void handlerDivergingOnReplay_isReportedWithServiceMethodStepExpectedActual() {
        Flaky.EXECUTIONS.set(0);
        // Crash the first execution right before its call: its PUT (step 0) is journaled by then.
        FaultPlan plan = FaultPlan.builder(1)
                .crashAt("flaky-1", CrashPoint.BEFORE_CALL, 1)
                .build();
        try (Simulator simulator = Simulator.builder()
                .services(List.of(new FlakyDispatcher(), new CounterDispatcher()))
                .faultPlan(plan)
                .build()) {
            Response response = simulator.call("flaky-1", "Flaky", "write", "[\"k\"]");

            assertThat(response.ok()).isFalse();
            assertThat(response.errorType()).isEqualTo(NondeterminismException.class.getName());
            assertThat(response.errorMessage())
                    .contains(
                            "flaky-1",
                            "Flaky.write",
                            "quarantined",
                            "step 0",
                            "diverged on replay",
                            "PUT Flaky.notes[\"k\"]",
                            "PUT Flaky.notes[\"other-k\"]",
                            "Deterministic");
            assertThat(simulator.call("flaky-1", "Flaky", "write", "[\"k\"]"))
                    .as("a later delivery")
                    .isEqualTo(response);
            assertThat(simulator.engine().stats().requestsQuarantined()).isEqualTo(1);
            assertThat(simulator.inspector().dumpState())
                    .containsEntry("Flaky.notes[\"k\"]", "\"first\"")
                    .doesNotContainKey("Flaky.notes[\"other-k\"]")
                    .doesNotContainKey("Counter.counts[\"k\"]");
        }
    }
}
