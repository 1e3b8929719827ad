package dev.mu2sls;

import dev.mu2sls.spi.Contexts;
import dev.mu2sls.spi.TransactionHandle;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * A transaction across services: every state operation of this request and of every service it
 * calls (sync or async) while the transaction is open takes effect atomically at commit, or not
 * at all, serializably with all other transactions and single operations (G2).
 *
 * <pre>{@code
 * boolean booked = Transaction.run(tx -> {
 *     DurableFuture<Boolean> h = hotel.async().reserve(hotelId, user);
 *     DurableFuture<Boolean> f = flight.async().reserve(flightId, user);
 *     if (h.await() && f.await()) {
 *         return true;            // run commits when the body returns
 *     }
 *     tx.abort();                 // discards both reservations
 *     return false;
 * });
 * }</pre>
 *
 * <h2>Nesting</h2>
 * Flat: a {@link #begin()} or {@link #run} while a transaction is open — in this service or in a
 * callee that was called inside a transaction — joins it. Only the outermost transaction commits;
 * {@link #abort()} anywhere aborts the whole transaction.
 *
 * <h2>Errors</h2>
 * {@link TransactionConflictException} when a concurrent commit invalidated what the transaction
 * read (retryable; {@link #run} retries it); {@link TransactionAbortedException} when a
 * participant aborted; {@link IllegalStateException} for commit or abort after the transaction
 * ended, or commit while a call made inside it was never awaited.
 *
 * <h2>Replay</h2>
 * Begin, commit and abort are journaled steps; a re-execution sees the same outcome.
 */
public final class Transaction {
    private static final int MAX_BACKOFF_MICROS = 20_000;
    private final TransactionHandle handle;

    private Transaction(TransactionHandle handle) {
        this.handle = handle;
    }

    /**
     * Runs {@code body} in a transaction and commits it, running the body again in a fresh
     * transaction (with randomized backoff) whenever it conflicts. <em>The body may run more than
     * once.</em> If the body calls {@link #abort()}, nothing it did is applied and its return
     * value is returned. If the body throws, the transaction is aborted and the exception
     * propagates. Inside an open transaction, the body simply joins it.
     */
    public static <T> T run(Function<Transaction, T> body) {
        Objects.requireNonNull(body, "body");
        TransactionHandle open = Contexts.current().currentTransaction();
        if (open != null) {
            return body.apply(new Transaction(open));
        }
        for (int attempt = 0; ; attempt++) {
            Transaction tx = begin();
            try {
                T result;
                try {
                    result = body.apply(tx);
                } catch (TransactionConflictException conflict) {
                    throw conflict;
                } catch (RuntimeException failure) {
                    if (tx.isOpen()) {
                        tx.abort(); // a conflict instead, if the failure may come from stale reads
                    }
                    throw failure;
                }
                if (tx.isOpen()) {
                    tx.commit();
                }
                return result;
            } catch (TransactionConflictException conflict) {
                backoff(attempt);
            }
        }
    }

    private static void backoff(int attempt) {
        int ceiling = Math.min(MAX_BACKOFF_MICROS, 50 << Math.min(attempt, 12));
        LockSupport.parkNanos(ThreadLocalRandom.current().nextInt(ceiling) * 1_000L);
    }

    /** Begins a transaction, or joins the open one (flat nesting). */
    public static Transaction begin() {
        return new Transaction(Contexts.current().beginTransaction());
    }

    /** The transaction open in this execution, or {@code null}. */
    public static Transaction current() {
        TransactionHandle open = Contexts.current().currentTransaction();
        return open == null ? null : new Transaction(open);
    }

    /**
     * Commits: all writes of all participants become visible at once. A joined (nested)
     * transaction's commit does nothing; the outermost one commits.
     *
     * @throws TransactionConflictException if a concurrent commit changed what it read; nothing applied
     * @throws TransactionAbortedException if a participant aborted it
     * @throws IllegalStateException if it already ended, or a call made inside it was not awaited
     */
    public void commit() {
        Contexts.current().commitTransaction(handle);
    }

    /**
     * Aborts: nothing any participant wrote in this transaction is applied.
     *
     * @throws TransactionConflictException if what the transaction read had changed by now, so
     *     its decision to abort may rest on stale data; {@link #run} retries it
     * @throws IllegalStateException if it already ended
     */
    public void abort() {
        Contexts.current().abortTransaction(handle);
    }

    /** Whether neither commit nor abort has ended it yet. */
    public boolean isOpen() {
        return handle.isOpen();
    }

    /** The transaction's id, for logs. */
    public String id() {
        return handle.id();
    }

    @Override
    public String toString() {
        return "Transaction[" + handle.id() + (handle.isOpen() ? " open" : " ended") + "]";
    }
}
