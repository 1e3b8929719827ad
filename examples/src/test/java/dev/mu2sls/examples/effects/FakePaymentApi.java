package dev.mu2sls.examples.effects;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for an external payment provider, called from effect bodies. It counts every call
 * (every execution of a body) and the charges it made; one that honours idempotency keys answers
 * a key seen before with the charge it made then, like Stripe's {@code Idempotency-Key}.
 */
public final class FakePaymentApi {
    private static volatile FakePaymentApi current = new FakePaymentApi(true);

    private final boolean honoursKeys;
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicInteger transientFailuresLeft = new AtomicInteger();
    private final Map<String, String> chargeByKey = new ConcurrentHashMap<>();
    private final Map<String, List<String>> chargesByOrder = new ConcurrentHashMap<>();
    private final List<String> keysSeen = java.util.Collections.synchronizedList(new ArrayList<>());

    private FakePaymentApi(boolean honoursKeys) {
        this.honoursKeys = honoursKeys;
    }

    /** Installs a fresh provider for the services to call and returns it. */
    public static FakePaymentApi install(boolean honoursKeys) {
        current = new FakePaymentApi(honoursKeys);
        return current;
    }

    static FakePaymentApi current() {
        return current;
    }

    /** The next {@code count} calls fail as if the provider were unreachable. */
    public void failNext(int count) {
        transientFailuresLeft.set(count);
    }

    synchronized String charge(String order, long amount, String idempotencyKey) {
        calls.incrementAndGet();
        keysSeen.add(idempotencyKey);
        if (transientFailuresLeft.getAndDecrement() > 0) {
            throw new UncheckedIOException(new java.io.IOException("payment provider unreachable"));
        }
        if (amount <= 0) {
            throw new CardDeclinedException("amount must be positive: " + amount);
        }
        if (honoursKeys && chargeByKey.containsKey(idempotencyKey)) {
            return chargeByKey.get(idempotencyKey);
        }
        String charge = "ch-" + order + "-" + amount + "-"
                + chargesByOrder.values().stream().mapToInt(List::size).sum();
        chargeByKey.put(idempotencyKey, charge);
        chargesByOrder.computeIfAbsent(order, o -> new ArrayList<>()).add(charge);
        return charge;
    }

    /** How many times a body called the provider. */
    public int calls() {
        return calls.get();
    }

    /** The charges made per order. */
    public Map<String, List<String>> chargesByOrder() {
        return chargesByOrder;
    }

    /** Whether the provider ever issued {@code charge}. */
    public boolean issued(String charge) {
        return chargesByOrder.values().stream().anyMatch(charges -> charges.contains(charge));
    }

    /** Every idempotency key a call carried, in call order. */
    public List<String> keysSeen() {
        return List.copyOf(keysSeen);
    }
}
