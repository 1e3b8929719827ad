package dev.mu2sls.core;

import dev.mu2sls.InvalidRequestException;
import dev.mu2sls.store.KeyValue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * The delivery driver of timer records ({@code D due id}, {@link KeySpace}): one-way sends,
 * delayed or not, and sleeping requests. A timer is written in the store transaction of the
 * segment that sent or slept (inside a transaction: as its provisional write, applied only by its
 * commit). From its due time on, a driver <em>claims</em> it: one store transaction replaces it
 * with the request's acceptance record, then delivers it as an accepted request, whose completion
 * drops that record ({@link Engine#recover()} re-drives it if the driver dies first). So a timer
 * is claimed once, and neither it nor the acceptance record outlives the request's completion: no
 * delivery can come after the request's record expired (A6). The callee's id is fixed, so every
 * delivery is deduplicated (G1): each fires exactly once.
 *
 * <h2>Who drives</h2>
 * The engine that wrote a send delivers it right after its commit; {@link Engine#fireTimers()}
 * (platforms' housekeeping, the simulator's clock) and {@link Engine#recover()} deliver what is
 * due and left, whoever wrote it.
 */
final class Timers {
    private static final System.Logger LOG = System.getLogger(Engine.class.getName());

    private final EngineStore store;
    private final java.time.InstantSource clock;
    /** A claimed delivery acts only within this of its claim (A6), however late it starts. */
    private final Duration maxExecutionAge;
    /** The engine's delivery of an accepted request. */
    private volatile CallTransport deliverer;
    /** Whether the engine's deliverer can deliver a request here (else a driver that routes will). */
    private volatile Predicate<Invocation> deliverable;

    private volatile RequestRunner runner;
    /** Whether a send was recorded inside a transaction here: a commit may have released it. */
    private final AtomicBoolean sentInTransaction = new AtomicBoolean();

    private volatile boolean closed;
    /** Commits asking for a pass since the running one started (0: none running). */
    private final AtomicInteger kicks = new AtomicInteger();

    Timers(EngineStore store, java.time.InstantSource clock, Duration maxExecutionAge) {
        this.store = store;
        this.clock = clock;
        this.maxExecutionAge = maxExecutionAge;
    }

    /** Completes the wiring once the engine's runner exists ({@code deliverer} may be the platform's). */
    void start(RequestRunner runner, CallTransport deliverer, Predicate<Invocation> deliverable) {
        this.runner = runner;
        this.deliverer = deliverer;
        this.deliverable = deliverable;
    }

    /** The engine closes: no delivery starts any more (what is due stays for the next driver). */
    void close() {
        closed = true;
    }

    /** A send just committed outside a transaction: delivers it now, beside the sender. */
    void deliverSoon(byte[] key, Invocation send) {
        if (!closed && deliverable.test(send)) {
            Thread.ofVirtual().name("mu2sls-send").start(() -> fire(key, send, deliverer));
        }
    }

    void sentInTransaction() {
        sentInTransaction.set(true);
    }

    /**
     * A transaction committed here: the sends it released are delivered now, if any were recorded
     * here. Commits that come while a pass runs share the next one (one pass at a time).
     */
    void transactionCommitted() {
        if (!closed && sentInTransaction.get() && kicks.getAndIncrement() == 0) {
            Thread.ofVirtual().name("mu2sls-send").start(() -> {
                int seen;
                do {
                    seen = kicks.get();
                    try {
                        if (!closed) {
                            fireDue();
                        }
                    } catch (RuntimeException unreachable) {
                        // the store is closing or briefly unreachable: what is due waits for the next driver
                        LOG.log(
                                System.Logger.Level.DEBUG,
                                "timer: a pass after a commit failed: {0}",
                                unreachable.toString());
                    }
                } while (!kicks.compareAndSet(seen, 0));
            });
        }
    }

    int fireDue() {
        return fireDue(deliverer, deliverable);
    }

    int fireDue(CallTransport via) {
        return fireDue(via, invocation -> true);
    }

    /**
     * Delivers every timer due by now through {@code via}, a page at a time, the timers of a page
     * concurrently (a sleeping request holds no thread, so thousands may wake at once).
     *
     * @return the number delivered
     */
    private int fireDue(CallTransport via, Predicate<Invocation> here) {
        byte[] from = KeySpace.rangeStart(KeySpace.TIMER);
        byte[] to = KeySpace.timer(clock.millis() + 1, "");
        int fired = 0;
        while (true) {
            List<KeyValue> page = store.scan(from, to, EngineStore.PAGE);
            List<Thread> deliveries = new ArrayList<>(page.size());
            int[] delivered = new int[page.size()];
            for (int i = 0; i < page.size(); i++) {
                KeyValue timer = page.get(i);
                int slot = i;
                Invocation invocation = Invocation.decode(timer.key(), timer.value());
                if (here.test(invocation)) {
                    deliveries.add(Thread.ofVirtual()
                            .name("mu2sls-timer")
                            .start(() -> delivered[slot] = fire(timer.key(), invocation, via) ? 1 : 0));
                }
            }
            for (Thread delivery : deliveries) {
                try {
                    delivery.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return fired;
                }
            }
            fired += Arrays.stream(delivered).sum();
            if (page.size() < EngineStore.PAGE) {
                return fired;
            }
            byte[] last = page.getLast().key();
            from = Arrays.copyOf(last, last.length + 1);
        }
    }

    /** A timer's claim: whether this driver delivers it, and the store time of the claim (its arrival). */
    private record Claim(boolean deliver, long atMillis) {}

    /** Claims one timer and delivers it; false if it was delivered already. */
    private boolean fire(byte[] key, Invocation invocation, CallTransport via) {
        byte[] accepted = KeySpace.accepted(invocation.requestId());
        Claim claim;
        try {
            claim = store.transact(tx -> {
                long at = clock.millis();
                if (tx.get(key) == null) {
                    // claimed already: by another driver, or by this one if a commit's reply was lost and
                    // the body runs again; while the acceptance record stays, delivering again is safe (G1)
                    return new Claim(tx.get(accepted) != null, at);
                }
                tx.delete(key);
                tx.put(accepted, invocation.encode());
                return new Claim(true, at);
            });
        } catch (RuntimeException unreachable) {
            // the store is closing or briefly unreachable: the timer stays due for the next driver
            LOG.log(
                    System.Logger.Level.WARNING,
                    "timer: claiming {0} failed; it stays due: {1}",
                    invocation.requestId(),
                    unreachable.toString());
            return false;
        }
        if (!claim.deliver()) {
            return false;
        }
        // May have run before: attempt 1 reads its record first. The claim is the delivery's arrival:
        // its deadline runs from then (A6), so a delivery that starts late (a stalled driver) cannot
        // run a request that completed meanwhile and whose records expired.
        Invocation delivery = invocation.withAttempt(1).withDeadline(claim.atMillis() + maxExecutionAge.toMillis());
        try {
            via.call(delivery);
        } catch (RequestSuspendedException sleeping) {
            // delivered: it sleeps on under a later timer of its own
        } catch (InvalidRequestException unrunnable) {
            // the application no longer has its service or method, or its arguments no longer decode
            runner.quarantine(delivery, InvalidRequestException.class.getName(), unrunnable.getMessage());
        } catch (RuntimeException failed) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "timer: delivering {0} ({1}.{2}) failed; it stays accepted for recovery: {3}",
                    invocation.requestId(),
                    invocation.service(),
                    invocation.method(),
                    failed.toString());
        }
        return true;
    }
}
