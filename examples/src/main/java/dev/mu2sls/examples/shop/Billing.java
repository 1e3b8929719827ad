package dev.mu2sls.examples.shop;

import dev.mu2sls.Effects;
import dev.mu2sls.Internal;
import dev.mu2sls.PersistentMap;
import dev.mu2sls.Service;
import dev.mu2sls.State;
import dev.mu2sls.examples.payments.FakePaymentProvider;

/**
 * The payment step of W7: the charge goes to an external payment provider through a journaled
 * side effect, keyed by the order, so that the provider charges an order once whatever runs it
 * again. {@code Orders.pay} calls it outside any transaction: an effect is not rolled back with
 * one. Counts the charges per order: nobody charged twice is at most 1.
 */
@Service
public class Billing {
    private final PersistentMap<String, Long> charges;
    private final PersistentMap<String, Long> amounts;

    public Billing(State state) {
        charges = state.map("charges", String.class, Long.class);
        amounts = state.map("amounts", String.class, Long.class);
    }

    /** Charges {@code amount} for {@code order}. */
    @Internal
    public long charge(String order, long amount) {
        Effects.run("charge", String.class, () -> FakePaymentProvider.charge(order, amount, "order:" + order));
        charges.put(order, charges.getOrDefault(order, 0L) + 1);
        amounts.put(order, amounts.getOrDefault(order, 0L) + amount);
        return amount;
    }
}
