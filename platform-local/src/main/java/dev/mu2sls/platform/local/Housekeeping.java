package dev.mu2sls.platform.local;

import dev.mu2sls.core.Engine;
import java.time.Duration;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's periodic sweeps: abandoned transactions about every third of the transaction
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

    private final Sweep transactions;
    private final Sweep responses;

    /** Sweeps of {@code engine}, at the periods its lease and retention ask for. */
    Housekeeping(Engine engine) {
        this.transactions = new Sweep(
                "transactions",
                engine::expireTransactions,
                engine.transactionLease().dividedBy(3));
        this.responses = new Sweep(
                "responses", engine::expireResponses, engine.responseRetention().dividedBy(10));
    }

    @Override
    public void run() {
        try {
            while (true) {
                Sweep next = transactions.dueAtNanos <= responses.dueAtNanos ? transactions : responses;
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
                int expired = body.getAsInt();
                if (expired > 0) {
                    LOG.info("housekeeping: expired {} {}", expired, name);
                }
            } catch (RuntimeException e) {
                // the store may be briefly unreachable: the next sweep tries again
                LOG.warn("housekeeping: expiring {} failed ({}); trying again later", name, e.toString());
            }
            long now = System.nanoTime();
            dueAtNanos =
                    now + pauseAfter(interval, Duration.ofNanos(now - started)).toNanos();
        }
    }
}
