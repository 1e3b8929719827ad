package dev.mu2sls.examples.shop;

import dev.mu2sls.Internal;
import dev.mu2sls.PersistentMap;
import dev.mu2sls.Service;
import dev.mu2sls.State;
import dev.mu2sls.Transaction;
import java.time.Duration;

/**
 * W7 "shop" (issue 15): an order reserves stock and starts unpaid, with a timer (a delayed one-way
 * send to itself) that cancels it if still unpaid after {@link #PAYMENT_WINDOW}; paying charges the
 * customer and notifies them by a one-way send. Every step that changes more than one service is a
 * transaction, and the sends inside them go out only if it commits; the charge, an external
 * effect, happens outside any transaction (see {@link #pay}).
 */
@Service
public class Orders {
    /** How long an order may stay unpaid. */
    public static final Duration PAYMENT_WINDOW = Duration.ofMinutes(30);
    /** The price of every item. */
    public static final long PRICE = 10;

    private final PersistentMap<String, Order> orders;
    private final PersistentMap<String, Long> cancellations;
    private final InventoryClient inventory = new InventoryClient();
    private final BillingClient billing = new BillingClient();
    private final MailerClient mailer = new MailerClient();
    private final OrdersClient self = new OrdersClient();

    /** An order: what it holds and where it stands ("unpaid", "paying", "paid" or "cancelled"). */
    public record Order(String item, long quantity, String status) {
        Order with(String newStatus) {
            return new Order(item, quantity, newStatus);
        }
    }

    public Orders(State state) {
        orders = state.map("orders", String.class, Order.class);
        cancellations = state.map("cancellations", String.class, Long.class);
    }

    /** Places {@code order} for {@code quantity} of {@code item}, and pays it at once if {@code pay}. */
    public String checkout(String order, String item, long quantity, boolean pay) {
        String placed = Transaction.run(tx -> {
            Order existing = orders.get(order);
            if (existing != null) {
                return existing.status();
            }
            if (!inventory.reserve(item, quantity)) {
                return "sold out";
            }
            orders.put(order, new Order(item, quantity, "unpaid"));
            self.send(PAYMENT_WINDOW).expire(order);
            return "unpaid";
        });
        return pay && placed.equals("unpaid") ? pay(order) : placed;
    }

    /**
     * Pays an unpaid order: charges it and notifies the customer; else says where it stands. The
     * charge is an external effect, which no transaction can roll back: so it happens between two
     * transactions, after the first took the order out of the timer's reach ("paying"), never
     * inside one that could still abort and leave a cancelled order charged. The request is
     * exactly-once, so a paying order always goes on to paid.
     */
    public String pay(String order) {
        Order claimed = Transaction.run(tx -> {
            Order current = orders.get(order);
            if (current == null || !current.status().equals("unpaid")) {
                return current;
            }
            Order paying = current.with("paying");
            orders.put(order, paying);
            return paying;
        });
        if (claimed == null || !claimed.status().equals("paying")) {
            return claimed == null ? "unknown order" : claimed.status();
        }
        billing.charge(order, claimed.quantity() * PRICE);
        return Transaction.run(tx -> {
            orders.put(order, claimed.with("paid"));
            mailer.send().notifyPaid(order);
            return "paid";
        });
    }

    /** The timer of an order: cancels it, releasing its stock, if it is still unpaid. */
    @Internal
    public String expire(String order) {
        return Transaction.run(tx -> {
            Order current = orders.get(order);
            if (current == null || !current.status().equals("unpaid")) {
                return current == null ? "unknown order" : current.status();
            }
            inventory.release(current.item(), current.quantity());
            orders.put(order, current.with("cancelled"));
            cancellations.put(order, cancellations.getOrDefault(order, 0L) + 1);
            return "cancelled";
        });
    }
}
