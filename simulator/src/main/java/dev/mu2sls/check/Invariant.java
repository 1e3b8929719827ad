package dev.mu2sls.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;

/**
 * A property every correct run has, checked on its {@link History} and final state: what
 * replaces the {@link HistoryChecker}'s search when a run is too large to search (DESIGN §7),
 * or adds an application-level property on top of it. {@link Invariants} has ready ones.
 *
 * <pre>{@code
 * Invariant moneyConserved = Invariants.sumOf("Account.balances[", 1000 * 100L);
 * assertThat(moneyConserved.violations(client.history().operations(), inspector.dumpState())).isEmpty();
 * }</pre>
 */
@FunctionalInterface
public interface Invariant {

    /**
     * @param history the client requests of the run (may be empty when only the state is checked)
     * @param finalState the implementation's state after the run, as {@code Inspector.dumpState()} renders it
     * @return what is wrong, one readable sentence per violation; empty when the invariant holds
     */
    List<String> violations(List<History.Operation> history, SortedMap<String, String> finalState);

    /** This invariant and {@code other}: the violations of both. */
    default Invariant and(Invariant other) {
        Objects.requireNonNull(other, "other");
        return (history, state) -> {
            List<String> all = new ArrayList<>(violations(history, state));
            all.addAll(other.violations(history, state));
            return all;
        };
    }
}
