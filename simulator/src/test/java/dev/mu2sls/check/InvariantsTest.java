package dev.mu2sls.check;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mu2sls.check.History.Operation;
import dev.mu2sls.check.History.Outcome;
import dev.mu2sls.core.Response;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The ready invariants on hand-made states: quiet when they hold, specific when they do not. */
class InvariantsTest {

    @Test
    void bank_moneyConservedAndAuditsRight_holds_elseNamesTheDifference() {
        SortedMap<String, String> state = new TreeMap<>();
        state.put("Account.balances[\"a0\"]", "70");
        state.put("Account.balances[\"a1\"]", "130");
        state.put("Bank.something", "5");
        List<Operation> audits = List.of(returned("x1", "Bank", "audit", "200"));
        assertThat(Invariants.bank(200).violations(audits, state)).isEmpty();

        state.put("Account.balances[\"a1\"]", "150");
        List<Operation> badAudit = List.of(returned("x2", "Bank", "audit", "180"));
        assertThat(Invariants.bank(200).violations(badAudit, state))
                .containsExactly(
                        "the values under Account.balances[ add up to 220, expected 200 (off by 20)",
                        "x2: Bank.audit[] answered ok 180, expected ok 200");
    }

    @Test
    void travel_withinCapacityAndOrdersMatchReservations_holds_elseNamesTheDifference() {
        SortedMap<String, String> state = new TreeMap<>();
        state.put("Hotel.rooms[\"h0\"]", "{\"total\":2,\"booked\":1}");
        state.put("Hotel.guests[\"h0#1\"]", "\"u1\"");
        state.put("Flight.seats[\"f0\"]", "{\"total\":1,\"booked\":1}");
        state.put("Flight.passengers[\"f0#1\"]", "\"u1\"");
        state.put("Order.orders[\"o1\"]", "{\"user\":\"u1\",\"flight\":\"f0\",\"hotel\":\"h0\"}");
        assertThat(Invariants.travel().violations(List.of(), state)).isEmpty();

        state.put("Flight.seats[\"f0\"]", "{\"total\":1,\"booked\":2}");
        state.put("Hotel.guests[\"h0#2\"]", "\"u2\"");
        assertThat(Invariants.travel().violations(List.of(), state))
                .containsExactly(
                        "Flight.seats[\"f0\"] has 2 of 1 used: capacity left is -1",
                        "committed reservations and placed orders differ (reservations minus orders): {hotel h0 for u2=1}");
    }

    @Test
    void noFailures_namesTheFailedRequest() {
        Operation failed = new Operation(
                "r1",
                "Bank",
                "transfer",
                "[]",
                1,
                2,
                new Outcome.Returned(
                        Response.failure("java.lang.IllegalArgumentException", "amount must be positive: 0")));
        assertThat(Invariants.noFailures().violations(List.of(failed), new TreeMap<>()))
                .containsExactly(
                        "r1: Bank.transfer[] failed: failed java.lang.IllegalArgumentException: amount must be positive: 0");
    }

    private static Operation returned(String id, String service, String method, String value) {
        return new Operation(
                id, service, method, "[]", 1, 2, new Outcome.Returned(Response.success(value.getBytes(UTF_8))));
    }
}
