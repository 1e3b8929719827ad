package dev.mu2sls.examples.unawaited;

import dev.mu2sls.PersistentMap;
import dev.mu2sls.Service;
import dev.mu2sls.State;

/** Counts the mails sent per order: exactly once is 1. */
@Service
public class Mailer {
    private final PersistentMap<String, Long> sent;

    public Mailer(State state) {
        sent = state.map("sent", String.class, Long.class);
    }

    public long send(String order) {
        long count = sent.getOrDefault(order, 0L) + 1;
        sent.put(order, count);
        return count;
    }
}
