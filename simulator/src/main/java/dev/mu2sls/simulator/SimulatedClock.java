package dev.mu2sls.simulator;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The simulator's clock: real time plus an offset that only grows. A fault plan's long stalls
 * move it past the transaction lease or the response retention in an instant, so that a run
 * reaches the edges of time without waiting for them; tests may move it too.
 *
 * <h2>Thread safety</h2>
 * Safe for any number of threads.
 */
public final class SimulatedClock implements InstantSource {
    private final AtomicLong offsetMillis = new AtomicLong();

    @Override
    public long millis() {
        return System.currentTimeMillis() + offsetMillis.get();
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }

    /** Moves the clock forward to {@code millis}, if it is not there yet. */
    public void advanceTo(long millis) {
        long behind = millis - millis();
        if (behind > 0) {
            offsetMillis.addAndGet(behind);
        }
    }

    /** Moves the clock forward by {@code duration}. */
    public void advance(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("the clock only moves forward: " + duration);
        }
        offsetMillis.addAndGet(duration.toMillis());
    }
}
