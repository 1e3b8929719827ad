package dev.mu2sls.check;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mu2sls.core.Response;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Ready {@link Invariant}s. The building blocks ({@link #sumOf}, {@link #capacity},
 * {@link #responses}, {@link #noFailures}) take the state key prefix they read, in
 * {@code Inspector.dumpState()} form: {@code Service.mapName[} for the entries of a persistent map.
 * {@link #bank}, {@link #travel} and {@link #media} put them together for the example applications
 * (W6 bank, W5 travel, W4 media) and show how to write your own.
 */
public final class Invariants {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Invariants() {}

    /** Every request that returned, returned a value (no application exception). */
    public static Invariant noFailures() {
        return (history, state) -> {
            List<String> violations = new ArrayList<>();
            for (History.Operation operation : history) {
                Response response = operation.response();
                if (response != null && !response.ok()) {
                    violations.add(operation.describe() + " failed: " + HistoryChecker.show(response));
                }
            }
            return violations;
        };
    }

    /**
     * The numbers stored under {@code keyPrefix} add up to {@code expected}: money conserved,
     * stock conserved.
     */
    public static Invariant sumOf(String keyPrefix, long expected) {
        Objects.requireNonNull(keyPrefix, "keyPrefix");
        return (history, state) -> {
            long total = 0;
            List<String> violations = new ArrayList<>();
            for (Map.Entry<String, String> entry : under(state, keyPrefix).entrySet()) {
                try {
                    total += Long.parseLong(entry.getValue());
                } catch (NumberFormatException notANumber) {
                    violations.add(entry.getKey() + " holds " + entry.getValue() + ", not a whole number");
                }
            }
            if (total != expected) {
                violations.add("the values under " + keyPrefix + " add up to " + total + ", expected " + expected
                        + " (off by " + (total - expected) + ")");
            }
            return violations;
        };
    }

    /**
     * Every response of {@code service.method} was {@code expectedJson}: for example, every
     * audit saw the invariant total.
     */
    public static Invariant responses(String service, String method, String expectedJson) {
        Objects.requireNonNull(expectedJson, "expectedJson");
        return (history, state) -> {
            List<String> violations = new ArrayList<>();
            for (History.Operation operation : history) {
                Response response = operation.response();
                if (operation.service().equals(service)
                        && operation.method().equals(method)
                        && response != null
                        && !(response.ok() && new String(response.value(), UTF_8).equals(expectedJson))) {
                    violations.add(operation.describe() + " answered " + HistoryChecker.show(response)
                            + ", expected ok " + expectedJson);
                }
            }
            return violations;
        };
    }

    /**
     * Every JSON object stored under {@code keyPrefix} has {@code 0 <= used <= total} in its
     * fields {@code totalField} and {@code usedField}: capacity left is never negative (no room,
     * seat or item sold twice).
     */
    public static Invariant capacity(String keyPrefix, String totalField, String usedField) {
        return (history, state) -> {
            List<String> violations = new ArrayList<>();
            under(state, keyPrefix).forEach((key, value) -> {
                JsonNode node = parse(value);
                if (node == null
                        || !node.path(totalField).isIntegralNumber()
                        || !node.path(usedField).isIntegralNumber()) {
                    violations.add(key + " holds " + value + ", without whole numbers '" + totalField + "' and '"
                            + usedField + "'");
                    return;
                }
                long total = node.get(totalField).asLong();
                long used = node.get(usedField).asLong();
                if (used < 0 || used > total) {
                    violations.add(key + " has " + used + " of " + total + " used: capacity left is " + (total - used));
                }
            });
            return violations;
        };
    }

    /**
     * W6 bank ({@code examples/bank}): the balances ({@code Account.balances}) add up to
     * {@code total}, and every {@code Bank.audit} saw {@code total}.
     */
    public static Invariant bank(long total) {
        return sumOf("Account.balances[", total).and(responses("Bank", "audit", Long.toString(total)));
    }

    /**
     * W5 travel ({@code examples/travel}): no hotel ({@code Hotel.rooms}) or flight
     * ({@code Flight.seats}) has more booked than its capacity, and the committed reservations
     * ({@code Hotel.guests}, {@code Flight.passengers}) are exactly the placed orders
     * ({@code Order.orders}): a reservation without an order is a booking half undone, an order
     * without one is a booking half applied.
     */
    public static Invariant travel() {
        return capacity("Hotel.rooms[", "total", "booked")
                .and(capacity("Flight.seats[", "total", "booked"))
                .and(Invariants::ordersMatchReservations);
    }

    /**
     * W4 media ({@code examples/media}): every review a {@code MediaFrontend.compose} returned is
     * stored ({@code ReviewStorage.reviews}) and listed exactly once for its user
     * ({@code UserReview.reviews}) and once for its movie ({@code MovieReview.reviews}); nothing
     * else is (a compose executed twice publishes a second review under a fresh id); no draft
     * ({@code ComposeReview.drafts}) is left. Requests that never returned may or may not have
     * published theirs.
     */
    public static Invariant media() {
        return (history, state) -> {
            List<String> violations = new ArrayList<>();
            Map<String, Integer> acknowledged = new HashMap<>();
            int unknown = 0;
            for (History.Operation operation : history) {
                if (operation.service().equals("MediaFrontend")
                        && operation.method().equals("compose")) {
                    Response response = operation.response();
                    if (response == null) {
                        unknown++;
                    } else if (response.ok()) {
                        acknowledged.merge(text(new String(response.value(), UTF_8)), 1, Integer::sum);
                    }
                }
            }
            acknowledged.forEach((review, count) -> {
                if (count > 1) {
                    violations.add("review " + review + " was returned to " + count + " different compose requests");
                }
            });
            under(state, "ComposeReview.drafts[").keySet().forEach(key -> violations.add("draft left behind: " + key));
            Map<String, Integer> stored = new HashMap<>();
            under(state, "ReviewStorage.reviews[").keySet().forEach(key -> stored.merge(mapKey(key), 1, Integer::sum));
            Map<String, Integer> byUser = new HashMap<>();
            under(state, "UserReview.reviews[").values().forEach(id -> byUser.merge(text(id), 1, Integer::sum));
            Map<String, Integer> byMovie = new HashMap<>();
            under(state, "MovieReview.reviews[").values().forEach(id -> byMovie.merge(text(id), 1, Integer::sum));
            int slack = unknown;
            reviewsMatch("ReviewStorage", stored, acknowledged, slack, violations);
            reviewsMatch("UserReview", byUser, acknowledged, slack, violations);
            reviewsMatch("MovieReview", byMovie, acknowledged, slack, violations);
            return violations;
        };
    }

    /** {@code found} holds each acknowledged review once, and at most {@code unknown} others. */
    private static void reviewsMatch(
            String service,
            Map<String, Integer> found,
            Map<String, Integer> acknowledged,
            int unknown,
            List<String> violations) {
        List<String> unacknowledged = new ArrayList<>();
        found.forEach((review, count) -> {
            if (count != 1) {
                violations.add(service + " lists review " + review + " " + count + " times");
            }
            if (!acknowledged.containsKey(review)) {
                unacknowledged.add(review);
            }
        });
        if (unacknowledged.size() > unknown) {
            violations.add(service + " holds " + unacknowledged.size() + " reviews no compose returned (" + unknown
                    + " composes never returned, so at most that many may): "
                    + unacknowledged.stream().sorted().limit(5).toList()
                    + " — a compose applied twice");
        }
        acknowledged.keySet().stream()
                .filter(review -> !found.containsKey(review))
                .sorted()
                .limit(5)
                .forEach(review -> violations.add(service + " lacks review " + review + ", which a compose returned"));
    }

    /** The map key of a {@code Service.map["key"]} state entry. */
    private static String mapKey(String stateKey) {
        return text(stateKey.substring(stateKey.indexOf('[') + 1, stateKey.length() - 1));
    }

    /** The string a JSON string literal holds (other JSON as written). */
    private static String text(String json) {
        JsonNode node = parse(json);
        return node != null && node.isTextual() ? node.asText() : json;
    }

    private static List<String> ordersMatchReservations(
            List<History.Operation> history, SortedMap<String, String> state) {
        List<String> violations = new ArrayList<>();
        Map<String, Integer> reservations = new HashMap<>();
        reserved(state, "Hotel.guests[\"", "hotel ", reservations);
        reserved(state, "Flight.passengers[\"", "flight ", reservations);
        Map<String, Integer> orders = new HashMap<>();
        under(state, "Order.orders[").forEach((key, value) -> {
            JsonNode order = parse(value);
            if (order == null
                    || !order.path("user").isTextual()
                    || !order.path("hotel").isTextual()
                    || !order.path("flight").isTextual()) {
                violations.add("unreadable order " + key + " = " + value);
                return;
            }
            String user = order.get("user").asText();
            orders.merge("hotel " + order.get("hotel").asText() + " for " + user, 1, Integer::sum);
            orders.merge("flight " + order.get("flight").asText() + " for " + user, 1, Integer::sum);
        });
        if (!reservations.equals(orders)) {
            Map<String, Integer> difference = new TreeMap<>(reservations);
            orders.forEach((k, v) -> difference.merge(k, -v, Integer::sum));
            difference.values().removeIf(v -> v == 0);
            violations.add(
                    "committed reservations and placed orders differ (reservations minus orders): " + difference);
        }
        return violations;
    }

    /** Reservations stored as {@code prefix + place#slot"]} = {@code "user"}, counted by place and user. */
    private static void reserved(
            SortedMap<String, String> state, String prefix, String kind, Map<String, Integer> into) {
        under(state, prefix).forEach((key, value) -> {
            int hash = key.indexOf('#', prefix.length());
            String place = hash < 0 ? key.substring(prefix.length()) : key.substring(prefix.length(), hash);
            JsonNode user = parse(value);
            into.merge(
                    kind + place + " for " + (user != null && user.isTextual() ? user.asText() : value),
                    1,
                    Integer::sum);
        });
    }

    private static SortedMap<String, String> under(SortedMap<String, String> state, String prefix) {
        return state.subMap(prefix, prefix + Character.MAX_VALUE);
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException malformed) {
            return null;
        }
    }
}
