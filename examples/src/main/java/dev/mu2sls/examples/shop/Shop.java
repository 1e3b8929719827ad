package dev.mu2sls.examples.shop;

import dev.mu2sls.PersistentMap;
import dev.mu2sls.Service;
import dev.mu2sls.State;

/**
 * Places an order and tells the mailer without awaiting it: a fire-and-forget call. The request
 * answers only once the mail is sent, so a crash after the answer cannot lose it (G1).
 */
@Service
public class Shop {
    private final PersistentMap<String, String> orders;
    private final MailerClient mailer = new MailerClient();

    public Shop(State state) {
        orders = state.map("orders", String.class, String.class);
    }

    /** Records {@code order} and has its mail sent. */
    public String place(String order) {
        orders.put(order, "placed");
        mailer.async().send(order);
        return "placed " + order;
    }
}
