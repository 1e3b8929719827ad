package dev.mu2sls.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mu2sls.core.CrashPoint;
import dev.mu2sls.core.Mode;
import dev.mu2sls.simulator.AfterRunCheck;
import dev.mu2sls.simulator.FaultPlan;
import dev.mu2sls.simulator.Simulator;
import dev.mu2sls.spec.RecordedChoices;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Recorded histories of real simulated runs, concurrent clients and faults, through the checker. */
class HistoryCheckerSimulatedTest {
    private static final List<CounterDefinition> SERVICES = List.of(new CounterDefinition());

    @Test
    void twoHundredRequestsFromEightClients_underRandomFaults_areLinearizable() throws Exception {
        for (long seed = 1; seed <= 3; seed++) {
            FaultPlan plan = FaultPlan.random(seed);
            Run run = run(plan, Mode.FULL, 8, 25, seed);
            System.out.println("seed " + seed + ": " + run.result().report());
            assertThat(run.result().ok())
                    .as("seed %d, %s: %s", seed, plan, run.result().report())
                    .isTrue();
            assertThat(run.leftBehind()).as("seed %d, %s", seed, plan).isEmpty();
        }
    }

    @Test
    void unsafeEngine_underCrashesAndDuplicates_isCaught() throws Exception {
        FaultPlan plan = FaultPlan.builder(7)
                .crashes(0.2, EnumSet.allOf(CrashPoint.class))
                .concurrentDuplicates(0.3)
                .sequentialDuplicates(0.3)
                .build();
        HistoryChecker.Result result = run(plan, Mode.UNSAFE, 4, 10, 7).result();
        System.out.println(result.report());
        assertThat(result).as(result.report()).isInstanceOf(HistoryChecker.Result.Violation.class);
    }

    /** A checked history, and what {@link AfterRunCheck} found after the run. */
    private record Run(HistoryChecker.Result result, List<String> leftBehind) {}

    private static Run run(FaultPlan plan, Mode mode, int clients, int perClient, long seed) throws Exception {
        RecordedChoices choices = new RecordedChoices(seed);
        try (Simulator simulator = Simulator.builder()
                .services(SERVICES)
                .faultPlan(plan)
                .mode(mode)
                .listener(choices)
                .build()) {
            RecordingClient client = RecordingClient.of(simulator);
            List<Thread> threads = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                SplittableRandom random = new SplittableRandom(seed * 1000 + c);
                threads.add(Thread.ofVirtual().start(() -> {
                    for (int i = 0; i < perClient; i++) {
                        String key = "k" + random.nextInt(4);
                        switch (random.nextInt(6)) {
                            case 0 -> client.call("Counter", "get", "[\"" + key + "\"]");
                            case 1 ->
                                client.call(
                                        "Counter",
                                        "addBoth",
                                        "[\"" + key + "\", \"k" + random.nextInt(4) + "\", " + (random.nextInt(3) - 1)
                                                + "]");
                            case 2 -> client.call("Counter", "ticket", "[]");
                            default ->
                                client.call("Counter", "add", "[\"" + key + "\", " + random.nextInt(1, 10) + "]");
                        }
                    }
                }));
            }
            for (Thread thread : threads) {
                thread.join();
            }
            simulator.awaitQuiescence(Duration.ofSeconds(30));
            return new Run(
                    HistoryChecker.builder(SERVICES)
                            .choices(choices)
                            .build()
                            .check(client.history(), simulator.inspector().dumpState()),
                    AfterRunCheck.problems(simulator));
        }
    }
}
