package dev.mu2sls.core;

import dev.mu2sls.EffectFailedException;
import dev.mu2sls.EffectRetry;
import dev.mu2sls.RetryPolicy;
import dev.mu2sls.spi.Codec;
import dev.mu2sls.spi.EffectBody;
import java.lang.reflect.Type;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs an effect's body by its {@link RetryPolicy} and turns the outcome into the
 * {@link Response} that is journaled: the result encoded, or the final failure. Shared by the
 * journaled execution ({@link EffectSteps}) and the unjournaled one ({@link UnsafeExecution}).
 */
final class EffectAttempts {
    /** Each service class's default policy, from its {@link EffectRetry} annotation. */
    private static final ClassValue<RetryPolicy> SERVICE_DEFAULTS = new ClassValue<>() {
        @Override
        protected RetryPolicy computeValue(Class<?> serviceClass) {
            EffectRetry retry = serviceClass.getAnnotation(EffectRetry.class);
            if (retry == null) {
                return RetryPolicy.DEFAULT;
            }
            return RetryPolicy.builder()
                    .maxAttempts(retry.maxAttempts())
                    .initialBackoff(java.time.Duration.ofMillis(retry.initialBackoffMillis()))
                    .maxBackoff(java.time.Duration.ofMillis(retry.maxBackoffMillis()))
                    .backoffMultiplier(retry.backoffMultiplier())
                    .terminal(retry.terminal())
                    .build();
        }
    };

    private EffectAttempts() {}

    /** {@code policy}, or when null the default of the service whose object is {@code instance}. */
    static RetryPolicy policy(RetryPolicy policy, Object instance) {
        return policy != null ? policy : SERVICE_DEFAULTS.get(instance.getClass());
    }

    /**
     * Runs {@code body} until it returns, throws a terminal exception or uses up its attempts,
     * backing off in between; {@code beforeAttempt} runs before each (the deadline check).
     * Errors (the engine's control flow, injected crashes) are never caught.
     */
    static Response run(
            RetryPolicy policy, String key, EffectBody body, Codec codec, Type type, Runnable beforeAttempt) {
        for (int attempt = 1; ; attempt++) {
            beforeAttempt.run();
            try {
                return Response.success(codec.encode(body.run(key), type));
            } catch (Exception failure) {
                if (attempt >= policy.maxAttempts() || policy.isTerminal(failure)) {
                    return Response.failure(failure.getClass().getName(), failure.getMessage());
                }
                LockSupport.parkNanos(policy.backoffAfter(attempt).toNanos());
            }
        }
    }

    /** The effect's result decoded as {@code type}, or its journaled failure thrown. */
    static Object unwrap(String name, Response outcome, Type type, Codec codec) {
        if (!outcome.ok()) {
            throw new EffectFailedException(name, outcome.errorType(), outcome.errorMessage());
        }
        return codec.decode(outcome.value(), type);
    }
}
