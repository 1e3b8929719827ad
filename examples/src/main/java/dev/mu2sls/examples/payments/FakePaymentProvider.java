package dev.mu2sls.examples.payments;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An in-process stand-in for an external payment provider that deduplicates by idempotency key,
 * as real ones do (a key seen before gets the charge made then). It is the "outside world" of
 * {@link Payments}: it keeps its charges in this process's memory, outside the store.
 */
public final class FakePaymentProvider {
    private static final Map<String, String> CHARGES = new ConcurrentHashMap<>();
    private static final AtomicLong CALLS = new AtomicLong();

    private FakePaymentProvider() {}

    /** Charges {@code amount} to {@code order} once per {@code idempotencyKey}; returns the charge id. */
    public static String charge(String order, long amount, String idempotencyKey) {
        CALLS.incrementAndGet();
        return CHARGES.computeIfAbsent(idempotencyKey, key -> "ch-" + order + "-" + amount + "-" + CHARGES.size());
    }

    /** How many calls the provider received (every execution of an effect body). */
    public static long calls() {
        return CALLS.get();
    }

    /** How many distinct charges it made. */
    public static int charges() {
        return CHARGES.size();
    }
}
