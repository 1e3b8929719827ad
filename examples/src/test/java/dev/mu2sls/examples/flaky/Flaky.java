package dev.mu2sls.examples.flaky;

import dev.mu2sls.AllowNondeterminism;
import dev.mu2sls.PersistentMap;
import dev.mu2sls.Service;
import dev.mu2sls.State;
import dev.mu2sls.examples.counter.CounterClient;
import java.util.concurrent.atomic.AtomicInteger;

/** Nondeterministic on purpose: its second execution writes another key than its first. */
@Service
public class Flaky {
    @AllowNondeterminism("diverges on purpose so that the replay check can be tested")
    public static final AtomicInteger EXECUTIONS = new AtomicInteger();

    private final PersistentMap<String, String> notes;
    private final CounterClient counter = new CounterClient();

    public Flaky(State state) {
        notes = state.map("notes", String.class, String.class);
    }

    public String write(String key) {
        if (EXECUTIONS.incrementAndGet() == 1) {
            notes.put(key, "first");
        } else {
            notes.put("other-" + key, "second");
        }
        counter.add(key, 1);
        return "done";
    }
}
