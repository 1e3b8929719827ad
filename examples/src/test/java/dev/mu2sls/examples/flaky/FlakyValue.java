package dev.mu2sls.examples.flaky;

import dev.mu2sls.AllowNondeterminism;
import dev.mu2sls.PersistentMap;
import dev.mu2sls.Service;
import dev.mu2sls.State;
import dev.mu2sls.examples.counter.CounterClient;
import java.util.concurrent.atomic.AtomicInteger;

/** Nondeterministic on purpose: its second execution writes the same key with another value. */
@Service
public class FlakyValue {
    @AllowNondeterminism("diverges on purpose so that the replay check of written values can be tested")
    public static final AtomicInteger EXECUTIONS = new AtomicInteger();

    private final PersistentMap<String, String> notes;
    private final CounterClient counter = new CounterClient();

    public FlakyValue(State state) {
        notes = state.map("notes", String.class, String.class);
    }

    public String write(String key) {
        notes.put(key, EXECUTIONS.incrementAndGet() == 1 ? "first" : "second");
        counter.add(key, 1);
        return "done";
    }
}
