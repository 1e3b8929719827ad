package dev.mu2sls.examples.tickets;

import dev.mu2sls.Service;
import dev.mu2sls.Transaction;

/** Issues a {@link Ticket} inside a transaction, as a participant. */
@Service
public class Box {
    private final TicketClient ticket = new TicketClient();

    public String issue(String event) {
        return Transaction.run(tx -> ticket.issue(event));
    }
}
