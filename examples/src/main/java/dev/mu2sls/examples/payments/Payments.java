package dev.mu2sls.examples.payments;

import dev.mu2sls.Effects;
import dev.mu2sls.PersistentMap;
import dev.mu2sls.Service;
import dev.mu2sls.State;

/**
 * Charges orders through an external provider with a journaled side effect ({@code Effects.run}):
 * the provider is called until the charge is journaled, then never again, and with the effect's
 * idempotency key, so that a call repeated after a crash is answered with the same charge.
 * {@link #record} does the same without the provider, to measure what an effect costs.
 */
@Service
public class Payments {
    private final PersistentMap<String, String> charges;

    public Payments(State state) {
        charges = state.map("charges", String.class, String.class);
    }

    /** Charges {@code amount} for {@code order} unless it was charged; returns the charge id. */
    public String charge(String order, long amount) {
        String charged = charges.get(order);
        if (charged != null) {
            return charged;
        }
        String charge = Effects.run(
                "charge", String.class, () -> FakePaymentProvider.charge(order, amount, Effects.idempotencyKey()));
        charges.put(order, charge);
        return charge;
    }

    /** {@link #charge} with a local id instead of the provider's: the same steps without the effect. */
    public String record(String order, long amount) {
        String charged = charges.get(order);
        if (charged != null) {
            return charged;
        }
        String charge = "local-" + order + "-" + amount;
        charges.put(order, charge);
        return charge;
    }

    /** Only the effect: charges without recording anything. */
    public String chargeOnly(String order, long amount) {
        return Effects.run(
                "charge", String.class, () -> FakePaymentProvider.charge(order, amount, Effects.idempotencyKey()));
    }
}
