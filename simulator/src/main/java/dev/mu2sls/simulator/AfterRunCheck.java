package dev.mu2sls.simulator;

import dev.mu2sls.core.Inspector;
import dev.mu2sls.store.Store;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * The one "nothing left behind" check, run once every request of a run has completed: no
 * journal, no running request, no acceptance record, no pending transaction, no provisional
 * record; and on a simulator also every duplicate delivery answered like the original and no
 * exception escaped a background task. {@link SpecComparison}, the testing kit's
 * {@code Simulation}, the {@code demo} command and the JUnit extension that checks every engine
 * test all call this, so they cannot disagree.
 */
public final class AfterRunCheck {
    /** How long a run may still have executions, zombies or duplicates running before it is a problem. */
    public static final Duration QUIESCENCE_TIMEOUT = Duration.ofSeconds(30);

    private AfterRunCheck() {}

    /**
     * Waits for {@code simulator} to go quiet, then lists what its run left behind; empty when
     * nothing was.
     */
    public static List<String> problems(Simulator simulator) {
        List<String> problems = new ArrayList<>();
        try {
            simulator.awaitQuiescence(QUIESCENCE_TIMEOUT);
        } catch (TimeoutException e) {
            problems.add(e.getMessage());
            return problems;
        }
        problems.addAll(problems(simulator.store()));
        long now = simulator.clock().millis();
        long due = simulator
                .store()
                .scan(new byte[] {Simulator.TIMER}, new byte[] {Simulator.TIMER + 1}, Integer.MAX_VALUE)
                .stream()
                .filter(timer -> ByteBuffer.wrap(timer.key(), 1, 8).getLong() <= now)
                .count();
        if (due > 0) {
            problems.add(
                    due + " one-way sends or timers due and not delivered (the timer driver delivers and drops them)");
        }
        long mismatches = simulator.faults().duplicateMismatches();
        if (mismatches > 0) {
            problems.add(mismatches + " duplicate deliveries answered differently from the original");
        }
        for (Throwable failure : simulator.backgroundFailures()) {
            problems.add("a background delivery threw " + failure);
        }
        return problems;
    }

    /** What the engines sharing {@code store} left in it with every request completed; empty when nothing. */
    public static List<String> problems(Store store) {
        List<String> problems = new ArrayList<>();
        Inspector inspector = new Inspector(store, null);
        Inspector.RequestCounts requests = inspector.requestCounts();
        if (requests.journalChunks() > 0 || requests.running() > 0) {
            problems.add("request bookkeeping left after every request completed (journals are dropped at completion): "
                    + requests);
        }
        if (requests.accepted() > 0) {
            problems.add(requests.accepted()
                    + " acceptance records left after every request completed (dropped at completion)");
        }
        Inspector.TransactionCounts transactions = inspector.transactionCounts();
        if (transactions.pending() > 0 || transactions.provisionalRecords() > 0) {
            problems.add(
                    "transaction records left after every request completed (no pending status, no orphan intent): "
                            + transactions);
        }
        return problems;
    }
}
