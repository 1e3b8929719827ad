package dev.mu2sls.examples.reminders;

import dev.mu2sls.Deterministic;
import dev.mu2sls.PersistentMap;
import dev.mu2sls.Service;
import dev.mu2sls.State;
import dev.mu2sls.Transaction;
import java.time.Duration;

/**
 * One-way sends and durable timers, each kind once per key, so that a final state with every
 * count at 1 says each send was delivered exactly once and each sleep woke once: a send, a send
 * inside a transaction that commits or aborts (outbox), a delayed send, and a sleep.
 */
@Service
public class Reminders {
    private final PersistentMap<String, String> notes;
    private final PersistentMap<String, Long> woken;
    private final InboxClient inbox = new InboxClient();

    public Reminders(State state) {
        notes = state.map("notes", String.class, String.class);
        woken = state.map("woken", String.class, Long.class);
    }

    /** Notes {@code key} and sends it to the inbox one-way. */
    public String remind(String key) {
        notes.put(key, "sent");
        inbox.send().receive(key);
        return "sent " + key;
    }

    /** Notes {@code key} and sends it inside a transaction that commits, or aborts: then nothing happened. */
    public String remindInTransaction(String key, boolean commit) {
        return Transaction.run(tx -> {
            notes.put(key, "sent in a transaction");
            inbox.send().receive(key);
            if (!commit) {
                tx.abort();
                return "aborted " + key;
            }
            return "committed " + key;
        });
    }

    /** Sends {@code key} to the inbox {@code seconds} from now. */
    public String remindLater(String key, long seconds) {
        notes.put(key, "sent later");
        inbox.send(Duration.ofSeconds(seconds)).receive(key);
        return "sent " + key + " in " + seconds + " s";
    }

    /** Sleeps {@code seconds}, then counts the wake-up of {@code key}: exactly once is 1. */
    public long snooze(String key, long seconds) {
        notes.put(key, "sleeping");
        Deterministic.sleep(Duration.ofSeconds(seconds));
        long count = woken.getOrDefault(key, 0L) + 1;
        woken.put(key, count);
        return count;
    }
}
