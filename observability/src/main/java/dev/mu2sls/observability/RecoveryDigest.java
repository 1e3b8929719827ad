package dev.mu2sls.observability;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;

/**
 * The engine's recovery work as one INFO line per interval at most: re-deliveries, fenced
 * executions, replays and transaction conflicts are normal where faults happen (a retried call,
 * a zombie stopped), and one line per request would drown the log in them (a 3-second demo with
 * injected faults made 4,000). Each event is still logged at DEBUG with its request. The line is
 * written by the first event after the interval, so an idle engine logs nothing.
 */
final class RecoveryDigest {
    private final Logger log;
    private final long intervalNanos;
    private final AtomicLong nextAtNanos;
    private final LongAdder redeliveries = new LongAdder();
    private final LongAdder fenced = new LongAdder();
    private final LongAdder replays = new LongAdder();
    private final LongAdder conflicts = new LongAdder();

    RecoveryDigest(Logger log, long intervalNanos) {
        this.log = log;
        this.intervalNanos = intervalNanos;
        this.nextAtNanos = new AtomicLong(System.nanoTime());
    }

    void redelivered() {
        redeliveries.increment();
        maybeLog();
    }

    void fenced() {
        fenced.increment();
        maybeLog();
    }

    void replayed() {
        replays.increment();
        maybeLog();
    }

    void conflicted() {
        conflicts.increment();
        maybeLog();
    }

    private void maybeLog() {
        long now = System.nanoTime();
        long due = nextAtNanos.get();
        if (now - due < 0 || !nextAtNanos.compareAndSet(due, now + intervalNanos) || !log.isInfoEnabled()) {
            return;
        }
        log.info(
                "recovering from faults: {} re-deliveries, {} executions fenced (another completed the request), {} replays, "
                        + "{} transaction conflicts since the last report",
                redeliveries.sumThenReset(),
                fenced.sumThenReset(),
                replays.sumThenReset(),
                conflicts.sumThenReset());
    }
}
