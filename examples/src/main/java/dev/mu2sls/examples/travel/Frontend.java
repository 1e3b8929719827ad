package dev.mu2sls.examples.travel;

import dev.mu2sls.Deterministic;
import dev.mu2sls.DurableFuture;
import dev.mu2sls.Service;
import dev.mu2sls.Transaction;

/**
 * W5 travel: books a flight and a hotel together or not at all (the paper's hotel reservation
 * application), then places the order.
 */
@Service
public class Frontend {
    private final HotelClient hotel = new HotelClient();
    private final FlightClient flight = new FlightClient();
    private final OrderClient order = new OrderClient();

    /** Returns the order id, or "sold out" when either the flight or the hotel is full. */
    public String book(String user, String flightId, String hotelId) {
        boolean reserved = Transaction.run(tx -> {
            DurableFuture<Boolean> h = hotel.async().reserve(hotelId, user);
            DurableFuture<Boolean> f = flight.async().reserve(flightId, user);
            boolean hotelOk = h.await();
            boolean flightOk = f.await();
            if (hotelOk && flightOk) {
                return true;
            }
            tx.abort();
            return false;
        });
        if (!reserved) {
            return "sold out";
        }
        String orderId = Deterministic.uuid().toString();
        order.place(orderId, user, flightId, hotelId);
        return orderId;
    }
}
