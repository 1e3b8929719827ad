package dev.mu2sls.examples.effects;

import dev.mu2sls.Deterministic;
import dev.mu2sls.EffectFailedException;
import dev.mu2sls.EffectRetry;
import dev.mu2sls.Effects;
import dev.mu2sls.PersistentMap;
import dev.mu2sls.PersistentValue;
import dev.mu2sls.RequestContext;
import dev.mu2sls.RetryPolicy;
import dev.mu2sls.Service;
import dev.mu2sls.State;
import dev.mu2sls.Transaction;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/** Pays orders through {@link FakePaymentApi} with journaled side effects. */
@Service
@EffectRetry(maxAttempts = 3, initialBackoffMillis = 1, maxBackoffMillis = 4, terminal = CardDeclinedException.class)
public class Checkout {
    /** Executions of the effect bodies of {@link #notifyCustomer} (a body without a result). */
    public static final AtomicInteger NOTIFICATIONS = new AtomicInteger();

    private final PersistentMap<String, String> receipts;
    private final PersistentValue<Long> revenue;

    public Checkout(State state) {
        receipts = state.map("receipts", String.class, String.class);
        revenue = state.value("revenue", Long.class);
    }

    /** Charges {@code amount} for {@code order} unless it is paid; returns the charge id. */
    public String pay(String order, long amount) {
        String paid = receipts.get(order);
        if (paid != null) {
            return paid;
        }
        String charge = Effects.run(
                "charge", String.class, () -> FakePaymentApi.current().charge(order, amount, Effects.idempotencyKey()));
        receipts.put(order, charge);
        revenue.set(revenue.getOrDefault(0L) + amount);
        return charge;
    }

    /** Like {@link #pay}, one attempt only; a failed charge is recorded as declined. */
    public String payOnce(String order, long amount) {
        try {
            String charge = Effects.run("charge", String.class, RetryPolicy.noRetries(), () -> FakePaymentApi.current()
                    .charge(order, amount, Effects.idempotencyKey()));
            receipts.put(order, charge);
            return charge;
        } catch (EffectFailedException failed) {
            receipts.put(order, "declined: " + failed.errorType());
            return "declined";
        }
    }

    /** Charges inside a transaction that aborts when {@code abort}: the charge is not undone. */
    public String payInTransaction(String order, long amount, boolean abort) {
        return Transaction.run(tx -> {
            receipts.put(order, "pending");
            String charge = Effects.run("charge", String.class, () -> FakePaymentApi.current()
                    .charge(order, amount, Effects.idempotencyKey()));
            if (abort) {
                tx.abort();
            }
            return charge;
        });
    }

    /** A body without a result, counted in {@link #NOTIFICATIONS}. */
    public void notifyCustomer(String order) {
        Effects.run("notify", () -> NOTIFICATIONS.incrementAndGet());
        receipts.put(order + "/notified", "yes");
    }

    /** The request id, and the idempotency keys of two effects. */
    public List<String> keys() {
        String first = Effects.run("first", String.class, Effects::idempotencyKey);
        String second =
                Effects.run("second", String.class, () -> RequestContext.requestId() + " " + Effects.idempotencyKey());
        return List.of(RequestContext.requestId(), first, second);
    }

    /** A body that uses Deterministic, which is refused inside an effect. */
    public String misuse() {
        try {
            return Effects.run("misuse", UUID.class, RetryPolicy.noRetries(), Deterministic::uuid)
                    .toString();
        } catch (EffectFailedException failed) {
            return failed.errorType() + ": " + failed.errorMessage();
        }
    }
}
