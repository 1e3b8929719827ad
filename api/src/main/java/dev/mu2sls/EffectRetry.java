package dev.mu2sls;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The default {@link RetryPolicy} of the effects a {@link Service} runs without a policy of their
 * own ({@link Effects#run(String, Class, java.util.concurrent.Callable)} and its overloads).
 * Without this annotation they use {@link RetryPolicy#DEFAULT}.
 *
 * <pre>{@code
 * @Service
 * @EffectRetry(maxAttempts = 8, initialBackoffMillis = 250, terminal = CardDeclinedException.class)
 * public class Payments { ... }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface EffectRetry {
    /** How many times a body runs at most. */
    int maxAttempts() default 5;

    /** The wait after the first failed attempt. */
    long initialBackoffMillis() default 100;

    /** The longest wait between two attempts. */
    long maxBackoffMillis() default 5_000;

    /** How much the wait grows after each failed attempt. */
    double backoffMultiplier() default 2.0;

    /** Exception types that end an effect at once. */
    Class<? extends Throwable>[] terminal() default {};
}
