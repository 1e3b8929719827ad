package dev.mu2sls.examples.reminders;

import dev.mu2sls.Deterministic;
import dev.mu2sls.Internal;
import dev.mu2sls.PersistentMap;
import dev.mu2sls.Service;
import dev.mu2sls.State;
import java.time.Duration;

/** Counts what it receives: each key once means each send was delivered exactly once. */
@Service
public class Inbox {
    private final PersistentMap<String, Long> received;

    public Inbox(State state) {
        received = state.map("received", String.class, Long.class);
    }

    /** Counts one delivery of {@code key}; a key ending in "~" first sleeps a second (a send may sleep). */
    @Internal
    public long receive(String key) {
        if (key.endsWith("~")) {
            Deterministic.sleep(Duration.ofSeconds(1));
        }
        long count = received.getOrDefault(key, 0L) + 1;
        received.put(key, count);
        return count;
    }

    /** How many times {@code key} was received. */
    public long count(String key) {
        return received.getOrDefault(key, 0L);
    }
}
