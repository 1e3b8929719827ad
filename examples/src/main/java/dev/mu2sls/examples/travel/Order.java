package dev.mu2sls.examples.travel;

import dev.mu2sls.Internal;
import dev.mu2sls.PersistentMap;
import dev.mu2sls.Service;
import dev.mu2sls.State;

/** W5: confirmed orders. */
@Service
public class Order {
    private final PersistentMap<String, Booking> orders;

    public Order(State state) {
        orders = state.map("orders", String.class, Booking.class);
    }

    @Internal // clients book only through Frontend.book, which does it in one transaction
    public void place(String orderId, String userId, String flightId, String hotelId) {
        orders.put(orderId, new Booking(userId, flightId, hotelId));
    }

    /** A confirmed booking. */
    public record Booking(String user, String flight, String hotel) {}
}
