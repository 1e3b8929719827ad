package dev.mu2sls.examples.tickets;

import dev.mu2sls.Deterministic;
import dev.mu2sls.PersistentMap;
import dev.mu2sls.Service;
import dev.mu2sls.State;

/** Issues numbered tickets: each execution of an issue draws its own number, which its record keeps. */
@Service
public class Ticket {
    private final PersistentMap<String, String> issued;

    public Ticket(State state) {
        issued = state.map("issued", String.class, String.class);
    }

    /** A new ticket for {@code event}, its number drawn; the event keeps the last one issued. */
    public String issue(String event) {
        String number = Deterministic.uuid().toString();
        issued.put(event, number);
        return number;
    }

    /** The last ticket issued for {@code event}, or null. */
    public String last(String event) {
        return issued.get(event);
    }
}
