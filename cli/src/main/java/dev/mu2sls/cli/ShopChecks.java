package dev.mu2sls.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** W7's checks on the final state, once every timer has fired (issue 15, item 7). */
final class ShopChecks {
    static final String DESCRIPTION =
            "nobody charged twice, every paid order charged its price and notified exactly once, "
                    + "every unpaid order cancelled once after its timeout, stock conserved";
    private static final Pattern ORDER = Pattern.compile(
            "Orders\\.orders\\[\"(.+)\"\\]=\\{\"item\":\"(.+)\",\"quantity\":(\\d+),\"status\":\"(\\w+)\"\\}");

    /** The price of every item ({@code Orders.PRICE} in the example, which the command line does not compile against). */
    static final long PRICE = 10;

    private ShopChecks() {}

    static List<String> check(SortedMap<String, String> state, int items, long stock) {
        List<String> anomalies = new ArrayList<>();
        Map<String, Long> sold = new HashMap<>();
        int orders = 0;
        for (Map.Entry<String, String> entry : state.entrySet()) {
            if (!entry.getKey().startsWith("Orders.orders[")) {
                continue;
            }
            Matcher order = ORDER.matcher(entry.getKey() + "=" + entry.getValue());
            if (!order.matches()) {
                anomalies.add("unreadable order " + entry);
                continue;
            }
            orders++;
            String id = order.group(1);
            long quantity = Long.parseLong(order.group(3));
            String status = order.group(4);
            boolean paid = status.equals("paid");
            expect(anomalies, state, "Billing.charges", id, paid ? 1 : 0, "charges of " + status + " order");
            expect(
                    anomalies,
                    state,
                    "Billing.amounts",
                    id,
                    paid ? quantity * PRICE : 0,
                    "amount charged for " + status + " order");
            expect(anomalies, state, "Mailer.notified", id, paid ? 1 : 0, "notifications of " + status + " order");
            expect(
                    anomalies,
                    state,
                    "Orders.cancellations",
                    id,
                    status.equals("cancelled") ? 1 : 0,
                    "cancellations of " + status + " order");
            if (status.equals("unpaid")) {
                anomalies.add("order " + id + " is still unpaid after every timer fired: its cancellation was lost");
            }
            if (status.equals("paying")) {
                anomalies.add("order " + id + " is still paying: its payment request stopped between its transactions");
            }
            if (paid) {
                sold.merge(order.group(2), quantity, Long::sum);
            }
        }
        for (int i = 0; i < items; i++) {
            String item = "i" + i;
            long left = Long.parseLong(state.getOrDefault("Inventory.available[\"" + item + "\"]", "0"));
            if (left + sold.getOrDefault(item, 0L) != stock) {
                anomalies.add("stock of " + item + " not conserved: " + left + " left + " + sold.getOrDefault(item, 0L)
                        + " sold != " + stock);
            }
        }
        if (orders == 0) {
            anomalies.add("no order was placed");
        }
        return anomalies;
    }

    private static void expect(
            List<String> anomalies,
            SortedMap<String, String> state,
            String map,
            String id,
            long expected,
            String what) {
        long actual = Long.parseLong(state.getOrDefault(map + "[\"" + id + "\"]", "0"));
        if (actual != expected) {
            anomalies.add(what + " " + id + ": " + actual + ", expected " + expected);
        }
    }
}
