package dev.mu2sls.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mu2sls.core.Mode;
import dev.mu2sls.core.Response;
import dev.mu2sls.simulator.FaultPlan;
import dev.mu2sls.simulator.Simulator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** W6: concurrent transfers in transactions under faults conserve money, and audits always see the total. */
class BankTest {
    private static final int ACCOUNTS = 1000;
    private static final long INITIAL = 100;

    @Test
    void sixtyFourClientsTransferring_underFaults_auditsAndEndStateSeeInvariantTotal() throws Exception {
        try (Simulator simulator = Simulator.builder()
                .services(Workloads.W6)
                .faultPlan(FaultPlan.demo(6))
                .build()) {
            List<Long> audits = runTransfersWithAudits(simulator, 2);
            long expectedTotal = ACCOUNTS * INITIAL;
            assertThat(audits).as("audits during the load").isNotEmpty().containsOnly(expectedTotal);
            long endTotal = simulator.inspector().dumpState().entrySet().stream()
                    .filter(e -> e.getKey().startsWith("Account.balances"))
                    .mapToLong(e -> Long.parseLong(e.getValue()))
                    .sum();
            assertThat(endTotal).isEqualTo(expectedTotal);
            assertThat(simulator.engine().stats().transactionsCommitted()).isPositive();
        }
    }

    /** The audit check is able to fail: with transactions off, audits see transfers half done. */
    @Test
    void transactionsOff_auditsSeeTransfersHalfDone() throws Exception {
        List<Long> audits = new ArrayList<>();
        for (int round = 0; round < 5 && audits.stream().allMatch(total -> total == ACCOUNTS * INITIAL); round++) {
            try (Simulator simulator = Simulator.builder()
                    .services(Workloads.W6)
                    .mode(Mode.EXACTLY_ONCE)
                    .faultPlan(FaultPlan.demo(round))
                    .build()) {
                audits.addAll(runTransfersWithAudits(simulator, 8));
            }
        }
        assertThat(audits)
                .as("audits that saw a total other than the invariant")
                .anyMatch(total -> total != ACCOUNTS * INITIAL);
    }

    private static List<Long> runTransfersWithAudits(Simulator simulator, int auditors) throws Exception {
        for (int a = 0; a < ACCOUNTS; a++) {
            simulator.call("open-" + a, "Account", "open", "[\"a" + a + "\", " + INITIAL + "]");
        }
        List<Long> audits = new ArrayList<>();
        AtomicBoolean loadRunning = new AtomicBoolean(true);
        List<Thread> auditorThreads = new ArrayList<>();
        for (int a = 0; a < auditors; a++) {
            int auditor = a;
            auditorThreads.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; loadRunning.get() || i < 3; i++) {
                    Response audit = simulator.call("audit-" + auditor + "-" + i, "Bank", "audit", "[]");
                    synchronized (audits) {
                        audits.add(Long.parseLong(new String(audit.value(), UTF_8)));
                    }
                }
            }));
        }
        List<ConcurrentLoad.Answer> answers = ConcurrentLoad.run(simulator, 64, 40, 6, (random, i) -> new String[] {
            "Bank",
            "transfer",
            "[\"a" + random.nextInt(ACCOUNTS) + "\", \"a" + random.nextInt(ACCOUNTS) + "\", " + random.nextInt(1, 150)
                    + "]"
        });
        loadRunning.set(false);
        for (Thread auditor : auditorThreads) {
            auditor.join();
        }
        simulator.awaitQuiescence(Duration.ofSeconds(30));
        assertThat(answers)
                .hasSize(64 * 40)
                .allSatisfy(a -> assertThat(a.response().ok()).isTrue());
        return audits;
    }
}
