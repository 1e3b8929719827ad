package dev.mu2sls;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a class as a service: a unit of persistent state plus the public methods that clients
 * and other services call.
 *
 * <p>The annotation processor validates the class and generates, in the same package, a typed
 * client {@code <Name>Client} (sync calls, and async calls through {@code async()}) and a
 * dispatcher {@code <Name>Dispatcher} that the runtime uses instead of reflection.
 *
 * <h2>Rules (checked at compile time)</h2>
 * <ul>
 *   <li>The class is public, top level, not abstract, and has a public constructor taking
 *       either nothing or one {@link State}.
 *   <li>Persistent state is declared only through {@link State} ({@link PersistentMap},
 *       {@link PersistentValue}); every other instance field is transient and may vanish with
 *       the instance that holds it.
 *   <li>Public methods are the service's operations. Their parameter and return types must be
 *       serializable values: primitives and their boxes, {@code String}, enums, records of
 *       serializable values, {@code java.time} and {@code UUID}, {@code BigDecimal},
 *       {@code BigInteger}, and {@code List}/{@code Set}/{@code Map} of those.
 *   <li>A client or caller passing null for a parameter is refused (an invalid request, 400 over
 *       HTTP) unless the parameter is a reference annotated with an annotation named
 *       {@code Nullable} (JSpecify's, Jakarta's, JSR 305's, or your own): null is rarely meant,
 *       and refusing it keeps a {@code NullPointerException} from being recorded as a response.
 *   <li>Methods annotated {@link Internal} (or all, with {@code internal = true}) are callable by
 *       other services only, never by clients through the gateway.
 *   <li>No hidden nondeterminism: use {@link Deterministic} instead of
 *       {@code UUID.randomUUID()}, {@code System.currentTimeMillis()}, {@code new Random()},
 *       {@code Math.random()}.
 * </ul>
 *
 * <pre>{@code
 * @Service
 * public class Counter {
 *     private final PersistentMap<String, Long> counts;
 *     public Counter(State state) { counts = state.map("counts", String.class, Long.class); }
 *     public long add(String key, long delta) {
 *         long value = counts.getOrDefault(key, 0L) + delta;
 *         counts.put(key, value);
 *         return value;
 *     }
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface Service {
    /** The service name used for routing and in call-by-name; defaults to the class's simple name. */
    String name() default "";

    /**
     * Whether every method of the service is internal: callable by the application's other
     * services, never by clients through the gateway (which answers 404 as if it did not exist).
     * Mark single methods with {@link Internal}.
     */
    boolean internal() default false;
}
