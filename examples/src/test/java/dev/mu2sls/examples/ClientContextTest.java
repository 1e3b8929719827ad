package dev.mu2sls.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mu2sls.ServiceCallException;
import dev.mu2sls.core.ClientContext;
import dev.mu2sls.examples.bank.AccountDispatcher;
import dev.mu2sls.examples.bank.BankClient;
import dev.mu2sls.examples.bank.BankDispatcher;
import dev.mu2sls.examples.counter.CounterClient;
import dev.mu2sls.examples.counter.CounterDispatcher;
import dev.mu2sls.simulator.Simulator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Generated clients used from a test against an in-process engine, no JSON by hand (issue 15, item 6). */
class ClientContextTest {

    @Test
    void generatedClient_outsideAService_callsTheEngine() {
        try (Simulator simulator = Simulator.builder()
                .services(List.of(new CounterDispatcher(), new BankDispatcher(), new AccountDispatcher()))
                .build()) {
            CounterClient counter = new CounterClient(ClientContext.of(simulator.engine()));
            BankClient bank = new BankClient(ClientContext.of(simulator.engine()));

            assertThat(counter.add("k", 4)).isEqualTo(4);
            assertThat(counter.add("k", 1)).isEqualTo(5);
            assertThatThrownBy(() -> bank.transfer("a", "b", -1))
                    .isInstanceOfSatisfying(ServiceCallException.class, e -> assertThat(e.errorMessage())
                            .isEqualTo("amount must be positive: -1"));
            assertThatThrownBy(() -> counter.async().add("k", 1)).isInstanceOf(IllegalStateException.class);
            assertThat(simulator.inspector().dumpState()).containsEntry("Counter.counts[\"k\"]", "5");
        }
    }
}
