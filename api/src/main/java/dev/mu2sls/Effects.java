package dev.mu2sls;

import dev.mu2sls.spi.Contexts;
import dev.mu2sls.spi.ExecutionContext;
import java.lang.reflect.Type;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * Journaled side effects: code that talks to the world outside the application (a payment API,
 * a mail server, a database of its own) from a service method.
 *
 * <pre>{@code
 * // bad: a re-execution after a crash charges the card again
 * Receipt receipt = payments.charge(card, amount);
 * // good: charged until the receipt is journaled, then never again
 * Receipt receipt = Effects.run("charge", Receipt.class,
 *         () -> payments.charge(card, amount, Effects.idempotencyKey()));
 * }</pre>
 *
 * <h2>Guarantees</h2>
 * Each {@code run} is one journaled step. Before the body runs, whatever the request did before
 * it is persisted (the body may depend on it). The body runs, with retries, until its result or
 * its final failure is journaled; from then on it never runs again: every re-execution of the
 * handler gets the journaled result (or {@link EffectFailedException}) back at that step. The body
 * may still run more than once before that (the execution crashed after the body returned and
 * before the result was journaled, or a zombie execution ran it too): effects are
 * <em>at least once</em>. Pass {@link #idempotencyKey()} to an external API that deduplicates by
 * key to make them exactly once.
 *
 * <h2>Errors and retries</h2>
 * A body that throws an exception is retried by its {@link RetryPolicy} (the one given, else the
 * service's {@link EffectRetry}, else {@link RetryPolicy#DEFAULT}), waiting its backoff in between.
 * An exception of a terminal type, or the last attempt's, is journaled as the effect's failure and
 * thrown to the handler as {@link EffectFailedException} (with the original type and message).
 *
 * <h2>Inside a body</h2>
 * The body runs outside the request's journal: service calls, persistent state, transactions and
 * {@link Deterministic} throw {@link IllegalStateException} there (do them before or after);
 * {@link RequestContext#requestId()} and {@link #idempotencyKey()} may be read.
 *
 * <h2>Transactions</h2>
 * An effect inside a transaction runs when it is reached, like any effect, and is <em>not</em>
 * undone when the transaction aborts. A {@link Transaction#run} body that conflicts runs again,
 * and so does an effect in it, under a new idempotency key (it is a new step). Put effects after
 * the commit when they must happen only for committed transactions.
 */
public final class Effects {
    private static final ScopedValue<String> KEY = ScopedValue.newInstance();

    private Effects() {}

    /** A body that returns nothing. */
    @FunctionalInterface
    public interface Action {
        void run() throws Exception;
    }

    /**
     * Runs {@code body} as a journaled effect named {@code name} and returns its result.
     *
     * @param name what the effect does, for the journal and messages; a re-execution must run an
     *     effect of the same name at this step (else it diverges, G3)
     * @param type the result's type, which the codec must serialize
     * @param body the side effect; it may run more than once until its result is journaled
     * @return the body's result, as journaled (a copy through the codec)
     * @throws EffectFailedException if the body failed for good (terminal type or attempts used up)
     */
    public static <T> T run(String name, Class<T> type, Callable<T> body) {
        return run(name, type, null, body);
    }

    /** {@link #run(String, Class, Callable)} with its own retry policy. */
    public static <T> T run(String name, Class<T> type, RetryPolicy policy, Callable<T> body) {
        return cast(effect(name, Objects.requireNonNull(type, "type"), policy, body));
    }

    /** {@link #run(String, Class, Callable)} for a generic result, e.g. {@code new TypeRef<List<Item>>() {}}. */
    public static <T> T run(String name, TypeRef<T> type, Callable<T> body) {
        return run(name, type, null, body);
    }

    /** {@link #run(String, TypeRef, Callable)} with its own retry policy. */
    public static <T> T run(String name, TypeRef<T> type, RetryPolicy policy, Callable<T> body) {
        return cast(effect(name, Objects.requireNonNull(type, "type").type(), policy, body));
    }

    /** {@link #run(String, Class, Callable)} for a body without a result (sending a mail). */
    public static void run(String name, Action body) {
        run(name, (RetryPolicy) null, body);
    }

    /** {@link #run(String, Action)} with its own retry policy. */
    public static void run(String name, RetryPolicy policy, Action body) {
        Objects.requireNonNull(body, "body");
        effect(name, Void.class, policy, () -> {
            body.run();
            return null;
        });
    }

    /**
     * The idempotency key of the effect whose body is running on this thread: the same on every
     * attempt and every execution of that effect, different for every other effect (it is derived
     * from the request id and the effect's step). Pass it to external APIs that deduplicate
     * (a payment provider's {@code Idempotency-Key}).
     *
     * @throws IllegalStateException outside an effect body
     */
    public static String idempotencyKey() {
        if (!KEY.isBound()) {
            throw new IllegalStateException(
                    "Effects.idempotencyKey() is available only inside the body of Effects.run");
        }
        return KEY.get();
    }

    private static Object effect(String name, Type type, RetryPolicy policy, Callable<?> body) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(body, "body");
        if (name.isBlank()) {
            throw new IllegalArgumentException("effect name must not be blank: '" + name + "'");
        }
        ExecutionContext context = Contexts.current();
        InsideEffect inside = new InsideEffect(name, context.requestId());
        return context.effect(
                name,
                type,
                policy,
                key -> inside.run(() -> ScopedValue.where(KEY, key).call(body::call)));
    }

    @SuppressWarnings("unchecked")
    private static <T> T cast(Object value) {
        return (T) value;
    }
}
