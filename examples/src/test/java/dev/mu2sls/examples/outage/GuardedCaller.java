package dev.mu2sls.examples.outage;

import dev.mu2sls.DurableFuture;
import dev.mu2sls.Service;
import dev.mu2sls.examples.counter.CounterClient;

/** Calls the counter in the three ways a call can be made, guarding against failures as defensive service code does. */
@Service
public class GuardedCaller {
    private final CounterClient counter = new CounterClient();

    /** The counter's new value, or -1 when the call throws. */
    public long addOrMinusOne(String key, long delta) {
        try {
            return counter.add(key, delta);
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** The counter's new value through an awaited asynchronous call, or -1 when awaiting it throws. */
    public long addAsyncOrMinusOne(String key, long delta) {
        DurableFuture<Long> added = counter.async().add(key, delta);
        try {
            return added.await();
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** Adds through a call it never awaits (the request still waits for it to complete). */
    public long addUnawaited(String key, long delta) {
        counter.async().add(key, delta);
        return delta;
    }
}
