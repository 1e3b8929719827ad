package dev.mu2sls.examples.travel;

import dev.mu2sls.Internal;
import dev.mu2sls.PersistentMap;
import dev.mu2sls.Service;
import dev.mu2sls.State;

/** W5: hotel rooms. A reservation takes one room and remembers the guest. */
@Service
public class Hotel {
    private final PersistentMap<String, Capacity> rooms;
    private final PersistentMap<String, String> guests;

    public Hotel(State state) {
        rooms = state.map("rooms", String.class, Capacity.class);
        guests = state.map("guests", String.class, String.class);
    }

    /** Opens (or resizes) a hotel with {@code capacity} rooms. */
    public void open(String hotelId, int capacity) {
        Capacity current = rooms.get(hotelId);
        rooms.put(hotelId, new Capacity(capacity, current == null ? 0 : Math.min(current.booked(), capacity)));
    }

    /** Reserves a room for {@code userId}; false when the hotel is unknown or full. */
    @Internal // clients book only through Frontend.book, which does it in one transaction
    public boolean reserve(String hotelId, String userId) {
        Capacity current = rooms.get(hotelId);
        if (current == null || current.full()) {
            return false;
        }
        Capacity updated = current.book();
        rooms.put(hotelId, updated);
        guests.put(hotelId + "#" + updated.booked(), userId);
        return true;
    }

    /** The hotel's capacity, or null when unknown. */
    public Capacity capacity(String hotelId) {
        return rooms.get(hotelId);
    }
}
