package dev.mu2sls.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mu2sls.simulator.FaultPlan;
import dev.mu2sls.simulator.SpecComparison;
import dev.mu2sls.simulator.SpecComparison.Request;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * One-way sends and durable timers under random fault plans (issue 15): crashes at every crash
 * point, zombies (stalls, long stalls past the lease and the retention), concurrent and sequential
 * duplicates, lost commit replies. Each key is sent or slept on once, so the final state must
 * count 1 for every send of a committed caller (none for an aborted transaction's) and every
 * wake-up, and equal the spec's (which runs each send once, after its client request), with
 * nothing left behind. The run prints its first seed; plan {@code i} has seed {@code first + i}, and a
 * failure names its seed: {@code -Dmu2sls.sends.seed=<seed> -Dmu2sls.sends.plans=1} replays it.
 * {@code -Dmu2sls.sends.plans=N} runs more plans (500 by default, about 20 s here).
 */
@Tag("slow")
class SendTimerProperties {
    private static final int PLANS = Integer.getInteger("mu2sls.sends.plans", 500);
    private static final LongAdder SENDS = new LongAdder();
    private static final LongAdder ABORTED = new LongAdder();
    private static final LongAdder SLEEPS = new LongAdder();
    private static final LongAdder CRASHES = new LongAdder();

    @Test
    void sendsAndTimers_underRandomFaultPlans_deliverExactlyOnce() {
        long first = Long.getLong("mu2sls.sends.seed", new SplittableRandom().nextLong());
        System.out.printf("SendTimerProperties: %d plans from seed %d%n", PLANS, first);
        for (int i = 0; i < PLANS; i++) {
            check(first + i);
        }
    }

    private static void check(long seed) {
        List<Request> requests = requests(seed);
        SpecComparison.Result result = SpecComparison.run(
                SendsAndTimersTest.SERVICES, FaultPlan.edges(seed), requests, EdgeProperties::configure);
        CRASHES.add(result.faults().crashes().values().stream()
                .mapToLong(Long::longValue)
                .sum());
        String replay = "seed " + seed + " (FaultPlan.edges(seed), SendTimerProperties.requests(seed))";
        for (Map.Entry<String, String> entry : result.implementationState().entrySet()) {
            if (entry.getKey().startsWith("Inbox.received") || entry.getKey().startsWith("Reminders.woken")) {
                assertThat(entry.getValue())
                        .as("%s under %s", entry.getKey(), replay)
                        .isEqualTo("1");
            }
        }
        for (Request request : requests) {
            String key = request.jsonArguments().split("\"")[1];
            boolean aborted = request.method().equals("remindInTransaction")
                    && request.jsonArguments().contains("false");
            boolean sends = request.method().startsWith("remind");
            if (sends) {
                assertThat(result.implementationState().containsKey("Inbox.received[\"" + key + "\"]"))
                        .as("%s delivered (%s)", key, replay)
                        .isEqualTo(!aborted);
            }
        }
        try {
            result.assertEquivalent();
        } catch (AssertionError e) {
            throw new AssertionError("under " + replay + ": " + e.getMessage(), e);
        }
    }

    @AfterAll
    static void report() {
        System.out.printf(
                "SendTimerProperties: %d sends (%d in aborted transactions), %d sleeps, %d crashes injected%n",
                SENDS.sum(), ABORTED.sum(), SLEEPS.sum(), CRASHES.sum());
    }

    /** A few requests of every kind, each on a key of its own. */
    static List<Request> requests(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Request> requests = new ArrayList<>();
        int count = random.nextInt(3, 8);
        for (int i = 0; i < count; i++) {
            String key = "k" + i + (random.nextInt(4) == 0 ? "~" : ""); // "~": the receiver sleeps first
            switch (random.nextInt(4)) {
                case 0 -> {
                    SENDS.increment();
                    requests.add(new Request("r" + i, "Reminders", "remind", "[\"" + key + "\"]"));
                }
                case 1 -> {
                    boolean commit = random.nextBoolean();
                    SENDS.increment();
                    if (!commit) {
                        ABORTED.increment();
                    }
                    requests.add(new Request(
                            "t" + i, "Reminders", "remindInTransaction", "[\"" + key + "\", " + commit + "]"));
                }
                case 2 -> {
                    SENDS.increment();
                    requests.add(new Request(
                            "l" + i, "Reminders", "remindLater", "[\"" + key + "\", " + random.nextInt(1, 120) + "]"));
                }
                default -> {
                    SLEEPS.increment();
                    requests.add(new Request(
                            "s" + i, "Reminders", "snooze", "[\"" + key + "\", " + random.nextInt(1, 30) + "]"));
                }
            }
        }
        return requests;
    }
}
