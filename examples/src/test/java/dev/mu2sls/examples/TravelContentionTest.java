package dev.mu2sls.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mu2sls.simulator.FaultPlan;
import dev.mu2sls.simulator.Simulator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * W5-hot: 64 clients fight over 5 small hotels and 5 small flights under faults. The run ends
 * (no deadlock, no livelock), no hotel or flight is overbooked, and the committed reservations
 * are exactly the placed orders.
 */
class TravelContentionTest {
    private static final int PLACES = 5;
    private static final int CAPACITY = 8;

    @Test
    @Timeout(120)
    void hotVariant_sixtyFourClients_finishesWithinCapacityAndOrdersMatchReservations() throws Exception {
        try (Simulator simulator = Simulator.builder()
                .services(Workloads.W5)
                .faultPlan(FaultPlan.demo(5))
                .build()) {
            for (int i = 0; i < PLACES; i++) {
                simulator.call("open-h" + i, "Hotel", "open", "[\"h" + i + "\", " + CAPACITY + "]");
                simulator.call("open-f" + i, "Flight", "open", "[\"f" + i + "\", " + CAPACITY + "]");
            }
            List<ConcurrentLoad.Answer> answers = ConcurrentLoad.run(simulator, 64, 6, 5, (random, i) -> new String[] {
                "Frontend",
                "book",
                "[\"u" + random.nextInt(100) + "\", \"f" + random.nextInt(PLACES) + "\", \"h" + random.nextInt(PLACES)
                        + "\"]"
            });
            simulator.awaitQuiescence(Duration.ofSeconds(30));
            SortedMap<String, String> state = simulator.inspector().dumpState();

            long booked = answers.stream()
                    .filter(a -> !new String(a.response().value(), UTF_8).equals("\"sold out\""))
                    .count();
            assertThat(answers).allSatisfy(a -> assertThat(a.response().ok()).isTrue());
            assertThat(booked).as("bookings that committed").isPositive().isLessThanOrEqualTo(PLACES * CAPACITY);

            Map<String, Integer> reservations = new HashMap<>();
            Map<String, Integer> orders = new HashMap<>();
            state.forEach((key, value) -> {
                if (key.startsWith("Hotel.guests")) {
                    String hotel = key.substring("Hotel.guests[\"".length(), key.indexOf('#'));
                    reservations.merge("hotel " + hotel + " " + value, 1, Integer::sum);
                    assertThat(Integer.parseInt(key.substring(key.indexOf('#') + 1, key.length() - 2)))
                            .isLessThanOrEqualTo(CAPACITY);
                } else if (key.startsWith("Flight.passengers")) {
                    String flight = key.substring("Flight.passengers[\"".length(), key.indexOf('#'));
                    reservations.merge("flight " + flight + " " + value, 1, Integer::sum);
                } else if (key.startsWith("Order.orders")) {
                    String user = field(value, "user");
                    orders.merge("hotel " + field(value, "hotel") + " \"" + user + "\"", 1, Integer::sum);
                    orders.merge("flight " + field(value, "flight") + " \"" + user + "\"", 1, Integer::sum);
                }
            });
            assertThat(reservations)
                    .as("committed reservations vs placed orders")
                    .isEqualTo(orders);
            assertThat(orders.values().stream().mapToInt(Integer::intValue).sum())
                    .isEqualTo(2 * (int) booked);
            List<String> capacities = new ArrayList<>();
            state.forEach((key, value) -> {
                if (key.startsWith("Hotel.rooms") || key.startsWith("Flight.seats")) {
                    capacities.add(value);
                }
            });
            assertThat(capacities).hasSize(2 * PLACES);
        }
    }

    private static String field(String json, String name) {
        int start = json.indexOf("\"" + name + "\":\"") + name.length() + 4;
        return json.substring(start, json.indexOf('"', start));
    }
}
