package dev.mu2sls.spec;

import java.time.Instant;
import java.util.UUID;

/**
 * The nondeterministic values a spec run hands out, by request id and step: the spec of a
 * service is deterministic modulo these (docs/guarantees.md), so a spec run that should explain
 * an implementation run is given the implementation's choices.
 */
public interface Choices {

    UUID uuid(String requestId, int step);

    Instant now(String requestId, int step);

    long randomSeed(String requestId, int step);

    /**
     * The journaled outcome of the effect run at {@code step} (a {@code Response} as
     * {@code Response.fromBytes} decodes it), or null if none was recorded: the spec never runs
     * an effect's body.
     */
    default byte[] effect(String requestId, int step) {
        return null;
    }

    /**
     * The version of {@code changeId} the implementation gave the request at {@code step}
     * ({@code Deterministic.version}), or {@code Deterministic.DEFAULT_VERSION} if it took no
     * step there (the request's journal was recorded by code before the change); the spec then
     * takes none either. Standalone spec runs get {@code maxSupported}, as a first execution does.
     */
    default int version(String requestId, int step, String changeId, int maxSupported) {
        return maxSupported;
    }

    /** Which of {@code count} futures {@code DurableFuture.any} returns. */
    int any(String requestId, int step, int count);

    /**
     * The step at which the implementation began the attempt that counted of the transaction
     * first begun at {@code step}: a {@code Transaction.run} body whose commit conflicted ran
     * again from a later step. The spec never conflicts; it continues from that step, so that
     * the ids of later calls and the steps of later choices line up with the implementation's.
     */
    default int transactionBegin(String requestId, int step) {
        return step;
    }

    /**
     * Whether the implementation numbers transaction begin, commit and abort as steps: it does
     * with transactions on ({@code Mode.FULL}); with them off they are no-ops that take no step,
     * and the spec must count the same way for later steps to line up.
     */
    default boolean transactionSteps() {
        return true;
    }
}
