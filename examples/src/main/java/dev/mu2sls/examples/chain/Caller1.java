package dev.mu2sls.examples.chain;

import dev.mu2sls.Service;

/** W2 chain, first hop: a sync call to {@link Caller2}. */
@Service
public class Caller1 {
    private final Caller2Client next = new Caller2Client();

    public long add(String key, long delta) {
        return next.add(key, delta);
    }
}
