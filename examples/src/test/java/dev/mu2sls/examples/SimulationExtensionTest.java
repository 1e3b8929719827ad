package dev.mu2sls.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.mu2sls.check.Invariants;
import dev.mu2sls.core.Mode;
import dev.mu2sls.examples.counter.CounterDispatcher;
import dev.mu2sls.testing.Faults;
import dev.mu2sls.testing.Mu2slsSimulation;
import dev.mu2sls.testing.Simulation;
import dev.mu2sls.testing.SkipAfterRunCheck;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * The {@link Mu2slsSimulation} extension as users meet it: used directly on a test here, and run
 * through the JUnit launcher on scenario classes (nested, so that the build does not run them on
 * their own) to see it pass a correct run and fail an unsafe one with the report and the seed.
 */
class SimulationExtensionTest {

    @Test
    @Mu2slsSimulation(services = CounterDispatcher.class, seed = 42, faults = Faults.RANDOM)
    void counter_eightClientsUnderRandomFaults_isCheckedAfterTheTest(Simulation simulation) {
        simulation.runClients(8, 25, Workloads.counterClients("Counter", 4));
        assertThat(simulation.history().size()).isEqualTo(200);
        assertThat(simulation.plan().injectsFaults()).isTrue();
    }

    @Test
    void correctRun_passes() {
        TestExecutionSummary summary = run(CorrectCounter.class);
        assertThat(summary.getTestsSucceededCount()).as(failures(summary)).isEqualTo(1);
    }

    @Test
    @SkipAfterRunCheck("runs a scenario in Mode.UNSAFE, which answers duplicates differently on purpose")
    void unsafeRun_failsWithTheViolationAndTheSeedToReplay() {
        TestExecutionSummary summary = run(UnsafeCounter.class);
        assertThat(summary.getTestsFailedCount()).isEqualTo(1);
        Throwable failure = summary.getFailures().getFirst().getException();
        assertThat(failure)
                .isInstanceOf(AssertionError.class)
                .hasMessageContainingAll(
                        "mu2sls simulation FAILED",
                        "mode UNSAFE",
                        "NOT linearizable",
                        "observed ok",
                        "spec answers ok",
                        "replay with @Mu2slsSimulation(seed = ",
                        "faults = Faults.CRASHES_AND_DUPLICATES, mode = Mode.UNSAFE)",
                        "-Dmu2sls.seed=");
    }

    @Test
    void violatedInvariant_failsTheTest() {
        TestExecutionSummary summary = run(BrokenInvariant.class);
        assertThat(summary.getTestsFailedCount()).isEqualTo(1);
        assertThat(summary.getFailures().getFirst().getException())
                .hasMessageContaining("the values under Counter.counts[ add up to");
    }

    @Test
    void testThatFailsOnItsOwn_keepsItsOwnFailure() {
        TestExecutionSummary summary = run(FailingOnItsOwn.class);
        assertThat(summary.getTestsFailedCount()).isEqualTo(1);
        assertThat(summary.getFailures().getFirst().getException())
                .hasMessageContaining("the test's own assertion")
                .hasMessageNotContaining("mu2sls simulation");
    }

    private static TestExecutionSummary run(Class<?> scenario) {
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        LauncherFactory.create()
                .execute(
                        LauncherDiscoveryRequestBuilder.request()
                                .selectors(selectClass(scenario))
                                .build(),
                        listener);
        return listener.getSummary();
    }

    private static String failures(TestExecutionSummary summary) {
        return summary.getFailures().stream()
                .map(f -> String.valueOf(f.getException()))
                .toList()
                .toString();
    }

    // ---- scenarios, run only through the launcher above ------------------------------------------

    @Mu2slsSimulation(services = CounterDispatcher.class, faults = Faults.RANDOM)
    static class CorrectCounter {
        @Test
        void concurrentAdds(Simulation simulation) {
            simulation.runClients(4, 20, Workloads.counterClients("Counter", 2));
        }
    }

    @Mu2slsSimulation(services = CounterDispatcher.class, faults = Faults.CRASHES_AND_DUPLICATES, mode = Mode.UNSAFE)
    static class UnsafeCounter {
        @Test
        void concurrentAdds(Simulation simulation) {
            simulation.runClients(4, 20, Workloads.counterClients("Counter", 2));
        }
    }

    @Mu2slsSimulation(services = CounterDispatcher.class, faults = Faults.NONE)
    static class BrokenInvariant {
        @Test
        void addsCheckedAgainstAWrongTotal(Simulation simulation) {
            simulation.invariant(Invariants.sumOf("Counter.counts[", -1));
            simulation.call("Counter", "add", "[\"k\", 5]");
        }
    }

    @Mu2slsSimulation(services = CounterDispatcher.class, faults = Faults.NONE)
    static class FailingOnItsOwn {
        @Test
        void fails(Simulation simulation) {
            simulation.call("Counter", "add", "[\"k\", 5]");
            assertThat(List.of()).as("the test's own assertion").isNotEmpty();
        }
    }
}
