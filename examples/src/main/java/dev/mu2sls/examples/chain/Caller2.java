package dev.mu2sls.examples.chain;

import dev.mu2sls.Service;
import dev.mu2sls.examples.counter.CounterClient;

/** W2 chain, second hop: a sync call to the W1 counter. */
@Service
public class Caller2 {
    private final CounterClient counter = new CounterClient();

    public long add(String key, long delta) {
        return counter.add(key, delta);
    }
}
