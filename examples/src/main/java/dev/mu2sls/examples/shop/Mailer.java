package dev.mu2sls.examples.shop;

import dev.mu2sls.Internal;
import dev.mu2sls.PersistentMap;
import dev.mu2sls.Service;
import dev.mu2sls.State;

/** Sends (here: counts) the mails of orders: exactly once is 1. */
@Service
public class Mailer {
    private final PersistentMap<String, Long> sent;
    private final PersistentMap<String, Long> notified;

    public Mailer(State state) {
        sent = state.map("sent", String.class, Long.class);
        notified = state.map("notified", String.class, Long.class);
    }

    /** Tells the customer that {@code order} is paid (W7, sent one-way); returns how many times it was. */
    @Internal
    public long notifyPaid(String order) {
        long count = notified.getOrDefault(order, 0L) + 1;
        notified.put(order, count);
        return count;
    }

    /** Sends the mail of {@code order}; returns how many were sent for it. */
    @Internal // mails go out only for placed orders, through Shop.place
    public long send(String order) {
        long count = sent.getOrDefault(order, 0L) + 1;
        sent.put(order, count);
        return count;
    }

    /** How many mails were sent for {@code order}: exactly once is 1. */
    public long sent(String order) {
        return sent.getOrDefault(order, 0L);
    }
}
