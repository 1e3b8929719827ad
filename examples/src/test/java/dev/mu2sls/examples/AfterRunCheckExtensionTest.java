package dev.mu2sls.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.mu2sls.examples.counter.CounterDispatcher;
import dev.mu2sls.simulator.Simulator;
import dev.mu2sls.testing.SkipAfterRunCheck;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * The check after every engine test ({@code AfterRunCheckExtension}, auto-detected in this
 * module) run through the JUnit launcher on scenario classes that leave something behind: each
 * fails with a report naming what was left, and the same scenario opted out passes.
 */
@SkipAfterRunCheck("runs scenarios that leave things behind on purpose; each scenario is checked by its own run")
class AfterRunCheckExtensionTest {

    @Test
    void simulatorLeavingAJournal_failsTheTestNamingTheJournal() {
        TestExecutionSummary summary = run(LeavesAJournal.class);
        assertThat(summary.getTestsFailedCount()).isEqualTo(1);
        assertThat(summary.getFailures().getFirst().getException())
                .isInstanceOf(AssertionError.class)
                .hasMessageContainingAll(
                        "left things behind",
                        "@SkipAfterRunCheck",
                        "request bookkeeping left after every request completed",
                        "journalChunks=1");
    }

    @Test
    void threadStillRunning_failsTheTestNamingTheThread() {
        TestExecutionSummary summary = run(LeaksAThread.class);
        try {
            assertThat(summary.getTestsFailedCount()).isEqualTo(1);
            assertThat(summary.getFailures().getFirst().getException())
                    .hasMessageContainingAll("threads started by the test still alive", "leaked-by-scenario");
        } finally {
            LeaksAThread.release.countDown();
        }
    }

    @Test
    void uncaughtExceptionInAThread_failsTheTestNamingIt() {
        TestExecutionSummary summary = run(ThrowsInAThread.class);
        assertThat(summary.getTestsFailedCount()).isEqualTo(1);
        assertThat(summary.getFailures().getFirst().getException())
                .hasMessageContainingAll("thread failing-by-scenario died of", "the scenario's uncaught failure");
    }

    @Test
    void optedOut_passes() {
        TestExecutionSummary summary = run(LeavesAJournalOptedOut.class);
        assertThat(summary.getTestsSucceededCount()).isEqualTo(1);
        assertThat(summary.getTestsFailedCount()).isZero();
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

    /**
     * A journal chunk no request accounts for, as an engine that forgot to drop it at completion
     * would leave: {@code J <id> 0x00 <first step>} (docs/architecture.md, "Key layout").
     */
    private static void leaveAJournal() {
        try (Simulator simulator =
                Simulator.builder().services(List.of(new CounterDispatcher())).build()) {
            simulator.call("r1", "Counter", "add", "[\"k\", 1]");
            byte[] strayChunk = {'J', 'r', '1', 0, 0, 0, 0, 0};
            simulator.store().run(tx -> {
                tx.put(strayChunk, new byte[] {(byte) 0x81, 0, 0, 0, 0});
                return null;
            });
        }
    }

    // ---- scenarios, run only through the launcher above ------------------------------------------

    static class LeavesAJournal {
        @Test
        void leaves() {
            leaveAJournal();
        }
    }

    @SkipAfterRunCheck("the scenario leaves a journal on purpose")
    static class LeavesAJournalOptedOut {
        @Test
        void leaves() {
            leaveAJournal();
        }
    }

    static class LeaksAThread {
        static final CountDownLatch release = new CountDownLatch(1);

        @Test
        void leaks() {
            Thread.ofPlatform().name("leaked-by-scenario").daemon().start(() -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
    }

    static class ThrowsInAThread {
        @Test
        void throwsInAThread() throws InterruptedException {
            Thread.ofVirtual()
                    .name("failing-by-scenario")
                    .start(() -> {
                        throw new IllegalStateException("the scenario's uncaught failure");
                    })
                    .join();
        }
    }
}
