package dev.mu2sls.examples.travel;

import dev.mu2sls.Internal;
import dev.mu2sls.PersistentMap;
import dev.mu2sls.Service;
import dev.mu2sls.State;

/** W5: flight seats. A reservation takes one seat and remembers the passenger. */
@Service
public class Flight {
    private final PersistentMap<String, Capacity> seats;
    private final PersistentMap<String, String> passengers;

    public Flight(State state) {
        seats = state.map("seats", String.class, Capacity.class);
        passengers = state.map("passengers", String.class, String.class);
    }

    /** Opens (or resizes) a flight with {@code capacity} seats. */
    public void open(String flightId, int capacity) {
        Capacity current = seats.get(flightId);
        seats.put(flightId, new Capacity(capacity, current == null ? 0 : Math.min(current.booked(), capacity)));
    }

    /** Reserves a seat for {@code userId}; false when the flight is unknown or full. */
    @Internal // clients book only through Frontend.book, which does it in one transaction
    public boolean reserve(String flightId, String userId) {
        Capacity current = seats.get(flightId);
        if (current == null || current.full()) {
            return false;
        }
        Capacity updated = current.book();
        seats.put(flightId, updated);
        passengers.put(flightId + "#" + updated.booked(), userId);
        return true;
    }

    /** The flight's capacity, or null when unknown. */
    public Capacity capacity(String flightId) {
        return seats.get(flightId);
    }
}
