package dev.mu2sls;

import dev.mu2sls.spi.Contexts;
import dev.mu2sls.spi.PendingCall;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The result of an asynchronous call to another service, made through a generated client's
 * {@code async()} view. The call starts at once and runs concurrently with the caller; the
 * caller's own code stays sequential.
 *
 * <h2>Replay</h2>
 * The call's id is fixed at the step where it is made, so a re-execution re-issues the same id
 * and the callee deduplicates it. {@link #await()} journals the result at the step where it is
 * awaited; {@link #any} journals which future won, so a replay takes the same branch.
 *
 * <h2>Thread safety</h2>
 * A future belongs to the request execution that created it; awaiting it from another request
 * is an {@link IllegalStateException}.
 *
 * @param <T> the result type of the called method
 */
public final class DurableFuture<T> {
    private final PendingCall call;

    /** Wraps a runtime handle; called by generated clients, not by service code. */
    public DurableFuture(PendingCall call) {
        this.call = Objects.requireNonNull(call, "call");
    }

    /**
     * Waits for the call's result.
     *
     * @return the called method's return value ({@code null} for void methods)
     * @throws ServiceCallException if the called method threw
     */
    @SuppressWarnings("unchecked")
    public T await() {
        return (T) Contexts.current().await(call);
    }

    /** Waits for every future; each result is journaled as if awaited in argument order. */
    public static void all(DurableFuture<?>... futures) {
        all(Arrays.asList(futures));
    }

    /** Waits for every future in list order. */
    public static void all(List<? extends DurableFuture<?>> futures) {
        for (DurableFuture<?> future : futures) {
            future.await();
        }
    }

    /**
     * Waits until at least one future has completed and returns the index of the winner; the
     * choice is journaled, so a re-execution returns the same index.
     *
     * @throws IllegalArgumentException if no futures are given
     */
    public static int any(DurableFuture<?>... futures) {
        return any(Arrays.asList(futures));
    }

    /** List form of {@link #any(DurableFuture[])}. */
    public static int any(List<? extends DurableFuture<?>> futures) {
        if (futures.isEmpty()) {
            throw new IllegalArgumentException("DurableFuture.any needs at least one future");
        }
        List<PendingCall> calls = new java.util.ArrayList<>(futures.size());
        for (DurableFuture<?> future : futures) {
            calls.add(future.call);
        }
        return Contexts.current().awaitAny(calls);
    }
}
