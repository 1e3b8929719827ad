package dev.mu2sls.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mu2sls.core.Response;
import dev.mu2sls.examples.effects.Checkout;
import dev.mu2sls.examples.effects.CheckoutDispatcher;
import dev.mu2sls.examples.effects.FakePaymentApi;
import dev.mu2sls.simulator.FaultPlan;
import dev.mu2sls.simulator.SpecComparison;
import dev.mu2sls.simulator.SpecComparison.Request;
import dev.mu2sls.spi.ServiceDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Journaled side effects under random fault plans (crashes at every crash point, timeouts leaving
 * zombies, concurrent and sequential duplicates, stalls), against the spec, with every execution
 * of an effect body counted by {@link FakePaymentApi}: every journaled outcome was produced by at
 * least one execution; with a provider that honours idempotency keys every order is charged
 * exactly once; with one that does not, the extra executions are counted (at least once).
 *
 * <p>{@code -Dmu2sls.effects.plans=N} runs N plans per provider (500 by default);
 * {@code -Dmu2sls.seed=S} replays from seed S (each run prints its own).
 */
@Tag("slow")
class EffectProperties {
    private static final List<ServiceDefinition> SERVICES = List.of(new CheckoutDispatcher());
    private static final int PLANS = Integer.getInteger("mu2sls.effects.plans", 500);

    @Test
    void providerHonouringKeys_chargesEveryOrderExactlyOnce_underRandomFaultPlans() {
        long base = baseSeed("providerHonouringKeys");
        for (long seed = base; seed < base + PLANS; seed++) {
            FakePaymentApi api = FakePaymentApi.install(true);
            SpecComparison.Result result = run(seed);

            Map<String, String> state = result.implementationState();
            api.chargesByOrder().forEach((order, charges) -> {
                if (order.startsWith("o")) {
                    assertThat(charges)
                            .as(
                                    "charges of %s, replay with -Dmu2sls.seed=%d",
                                    order, result.plan().seed())
                            .containsExactly(unquote(state.get("Checkout.receipts[\"" + order + "\"]")));
                }
            });
            everyJournaledChargeWasMade(result, api);
        }
    }

    @Test
    void providerIgnoringKeys_seesEveryJournaledChargeAtLeastOnce_underRandomFaultPlans() {
        long base = baseSeed("providerIgnoringKeys");
        int extraExecutions = 0;
        for (long seed = base; seed < base + PLANS; seed++) {
            FakePaymentApi api = FakePaymentApi.install(false);
            Checkout.NOTIFICATIONS.set(0);
            SpecComparison.Result result = run(seed);

            everyJournaledChargeWasMade(result, api);
            long notifications = result.requests().stream()
                    .filter(r -> r.method().equals("notifyCustomer"))
                    .count();
            assertThat((long) Checkout.NOTIFICATIONS.get())
                    .as("notification bodies run, seed %d", seed)
                    .isGreaterThanOrEqualTo(notifications);
            extraExecutions += api.chargesByOrder().values().stream()
                    .mapToInt(charges -> charges.size() - 1)
                    .sum();
        }
        System.out.println("EffectProperties: " + extraExecutions + " extra charge executions over " + PLANS
                + " plans with a provider that ignores idempotency keys (at least once, not exactly once)");
        assertThat(extraExecutions)
                .as("the plans reach the window between a body and its journal entry")
                .isPositive();
    }

    /** Runs a workload under {@code FaultPlan.random(seed)} and checks it against the spec. */
    private static SpecComparison.Result run(long seed) {
        SpecComparison.Result result = SpecComparison.run(SERVICES, FaultPlan.random(seed), workload(seed));
        result.assertEquivalent();
        return result;
    }

    /** Every charge a client was answered with (journaled, or replayed by the spec) was made by a body. */
    private static void everyJournaledChargeWasMade(SpecComparison.Result result, FakePaymentApi api) {
        for (Response response : result.implementation()) {
            String value = response.ok() ? unquote(new String(response.value(), UTF_8)) : "";
            if (value.startsWith("ch-")) {
                assertThat(api.issued(value))
                        .as(
                                "charge %s made by a body, replay with -Dmu2sls.seed=%d",
                                value, result.plan().seed())
                        .isTrue();
            }
        }
    }

    private static List<Request> workload(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Request> requests = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            int pick = random.nextInt(100);
            String order = "o" + random.nextInt(5);
            int amount = random.nextInt(1, 10);
            if (pick < 60) {
                requests.add(new Request("e" + i, "Checkout", "pay", "[\"" + order + "\", " + amount + "]"));
            } else if (pick < 75) {
                requests.add(new Request(
                        "e" + i,
                        "Checkout",
                        "payInTransaction",
                        "[\"tx" + i + "\", " + amount + ", " + random.nextBoolean() + "]"));
            } else if (pick < 90) {
                requests.add(new Request("e" + i, "Checkout", "notifyCustomer", "[\"" + order + "\"]"));
            } else {
                requests.add(new Request("e" + i, "Checkout", "keys", "[]"));
            }
        }
        return requests;
    }

    private static long baseSeed(String test) {
        long seed = Long.getLong("mu2sls.seed", new SplittableRandom().nextLong() >>> 1);
        System.out.println("EffectProperties." + test + ": seed " + seed + ", " + PLANS
                + " plans (replay with -Dmu2sls.seed=" + seed + ")");
        return seed;
    }

    private static String unquote(String json) {
        return json == null ? null : json.replaceAll("^\"|\"$", "");
    }
}
