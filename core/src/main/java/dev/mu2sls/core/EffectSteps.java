package dev.mu2sls.core;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.mu2sls.RetryPolicy;
import dev.mu2sls.spi.EffectBody;
import java.lang.reflect.Type;

/**
 * An execution's side effects ({@code Effects.run}). An effect is not reproducible: its outcome
 * is journaled as soon as the body is done, and a re-execution replays it without running the
 * body (the spec runner never runs it either).
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>Before the body runs, everything it may depend on that a re-execution would not
 *       reproduce is persisted, and a first delivery has checked its request record, as before
 *       a call ({@link CallSteps#beforeCall}): a body never acts on a segment that is then
 *       replayed with other reads, nor for a request already completed.
 *   <li>The outcome is persisted in its own segment commit before the handler goes on, so a
 *       conflict later in the handler replays it instead of running the body again. Only a crash,
 *       a fenced zombie or an expired execution between the body's return and that commit runs
 *       the body again: at least once, under the same {@link #idempotencyKey}.
 * </ul>
 */
final class EffectSteps {
    private final Execution execution;
    private final EngineContext ctx;
    private final StepLog log;
    private final CallSteps calls;
    private final Object serviceInstance;

    EffectSteps(Execution execution, EngineContext ctx, StepLog log, CallSteps calls, Object serviceInstance) {
        this.execution = execution;
        this.ctx = ctx;
        this.log = log;
        this.calls = calls;
        this.serviceInstance = serviceInstance;
    }

    Object run(String name, Type type, RetryPolicy policy, EffectBody body) {
        byte[] target = name.getBytes(UTF_8);
        int s = log.begin(JournalEntry.Op.EFFECT, target);
        JournalEntry recorded = log.replayed(s);
        Response outcome;
        if (recorded != null) {
            outcome = Response.fromBytes(recorded.value());
        } else {
            calls.beforeCall(s, false, false);
            outcome = EffectAttempts.run(
                    EffectAttempts.policy(policy, serviceInstance),
                    idempotencyKey(execution.invocation(), s),
                    body,
                    ctx.codec(),
                    type,
                    execution::checkDeadline);
            byte[] journaled = outcome.toBytes();
            log.buffer(new JournalEntry(s, JournalEntry.Op.EFFECT, target, journaled));
            execution.persistence().persistPending();
            outcome = Response.fromBytes(journaled); // as a replay will see it (a long message is cut)
        }
        return EffectAttempts.unwrap(name, outcome, type, ctx.codec());
    }

    /**
     * The key of the effect at step {@code s}: the request id and the step, so the same on every
     * execution of the request and unique among the effects of all requests.
     */
    static String idempotencyKey(Invocation invocation, int s) {
        return invocation.requestId() + "#" + s;
    }
}
