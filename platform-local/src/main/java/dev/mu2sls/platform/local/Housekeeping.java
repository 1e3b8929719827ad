package dev.mu2sls.platform.local;

import dev.mu2sls.core.CallTransport;
import dev.mu2sls.core.Engine;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's periodic sweeps: the timer driver (one-way sends and sleeping requests due,
 * {@link Engine#fireTimers(CallTransport)}) every second, abandoned transactions about every third of the transaction
 * lease, recorded responses about every tenth of the response retention (as
 * {@link Engine#expireResponses()} asks). A sweep reads every record of its kind still kept, so its
 * cost grows with the load of the last retention period: after each sweep the next one waits at
 * least {@value #IDLE_PER_BUSY} times as long as the sweep took, so sweeping never takes more than
 * a twentieth of the time. (Sweeping every response each 10 s, as the gateway once did, took 0.4
 * to 0.6 s of CPU per sweep on this machine at 78,000 responses kept, and grew with them.)
 */
final class Housekeeping implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Housekeeping.class);
    static final int IDLE_PER_BUSY = 19;

    /** How often the timer driver runs: a one-way send whose sender's instance could not deliver it waits this long. */
    static final Duration TIMERS_INTERVAL = Duration.ofSeconds(1);

    private final List<Sweep> sweeps;

    /**
     * Sweeps of {@code engine}, at the periods its lease and retention ask for, and its timer driver.
     *
     * @param redrive how a due send or timer reaches an instance of its service (as recovery's re-drives do)
     */
    Housekeeping(Engine engine, CallTransport redrive) {
        this.sweeps = List.of(
                new Sweep("timers fired", () -> engine.fireTimers(redrive), TIMERS_INTERVAL),
                new Sweep(
                        "transactions expired",
                        engine::expireTransactions,
                        engine.transactionLease().dividedBy(3)),
                new Sweep(
                        "responses expired",
                        engine::expireResponses,
                        engine.responseRetention().dividedBy(10)));
    }

    @Override
    public void run() {
        try {
            while (true) {
                Sweep next = sweeps.stream()
                        .min(Comparator.comparingLong(sweep -> sweep.dueAtNanos))
                        .orElseThrow();
                long waitNanos = next.dueAtNanos - System.nanoTime();
                if (waitNanos > 0) {
                    Thread.sleep(Duration.ofNanos(waitNanos));
                }
                next.run();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** How long to wait after a sweep that took {@code took}, for one due every {@code interval}. */
    static Duration pauseAfter(Duration interval, Duration took) {
        Duration proportional = took.multipliedBy(IDLE_PER_BUSY);
        return proportional.compareTo(interval) > 0 ? proportional : interval;
    }

    private static final class Sweep {
        private final String name;
        private final IntSupplier body;
        private final Duration interval;
        private long dueAtNanos;

        Sweep(String name, IntSupplier body, Duration interval) {
            this.name = name;
            this.body = body;
            this.interval = interval;
            this.dueAtNanos = System.nanoTime() + interval.toNanos();
        }

        void run() {
            long started = System.nanoTime();
            try {
                int done = body.getAsInt();
                if (done > 0) {
                    LOG.info("housekeeping: {} {}", done, name);
                }
            } catch (RuntimeException e) {
                // the store may be briefly unreachable: the next sweep tries again
                LOG.warn("housekeeping: sweep of {} failed ({}); trying again later", name, e.toString());
            }
            long now = System.nanoTime();
            dueAtNanos =
                    now + pauseAfter(interval, Duration.ofNanos(now - started)).toNanos();
        }
    }
}
