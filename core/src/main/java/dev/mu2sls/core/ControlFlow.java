package dev.mu2sls.core;

/**
 * Engine control flow through service code. Extends {@link Error} so that a handler's
 * {@code catch (Exception e)} cannot swallow it (STYLE: Temporal's DestroyWorkflowThreadError).
 */
abstract sealed class ControlFlow extends Error {
    ControlFlow(String message) {
        super(message, null, false, false);
    }

    /** Another execution completed the request: this one is a zombie and stops (fencing). */
    static final class Fenced extends ControlFlow {
        final Response response;

        Fenced(Response response) {
            super("fenced: the request was completed by another execution");
            this.response = response;
        }
    }

    /**
     * The buffered segment cannot be persisted: a value it read changed (conflict) or another
     * execution of the request journaled further (divergence). The handler re-runs from its
     * journal; {@code reload} says whether the journal must be re-read from the store.
     */
    static final class ReplayRequired extends ControlFlow {
        final boolean reload;

        ReplayRequired(boolean reload) {
            super(reload ? "replay: another execution journaled further" : "replay: a read value changed");
            this.reload = reload;
        }
    }

    /**
     * The execution is past its deadline (docs/guarantees.md, A6): it persists nothing and sends
     * nothing more; the platform re-delivers the request, whose next execution starts afresh.
     */
    static final class Expired extends ControlFlow {
        Expired() {
            super("expired: the execution outlived its deadline");
        }
    }

    /**
     * The request sleeps ({@code Deterministic.sleep}) until {@code dueMillis} on the store clock:
     * its timer is recorded with its journal, and the execution stops, holding no thread.
     */
    static final class Suspended extends ControlFlow {
        final long dueMillis;

        Suspended(long dueMillis) {
            super("suspended: the request sleeps until its timer is due");
            this.dueMillis = dueMillis;
        }
    }

    /**
     * The platform failed under a step of the handler: the store (unreachable, a commit refused
     * past its retries) or the transport of a call (it threw what is not the engine's own: no
     * answer came from the callee's engine). Like a crash, the execution stops with nothing
     * recorded, whatever the handler catches, and the delivery fails with {@link #failure}; its
     * caller retries it with the same id. Recording the failure as the request's response instead
     * would answer with an outcome the specification, whose state reads never fail and whose calls
     * always reach their callee, cannot produce.
     */
    static final class PlatformFailed extends ControlFlow {
        final RuntimeException failure;

        PlatformFailed(RuntimeException failure) {
            super("stopped: the platform failed under the handler: " + failure);
            this.failure = failure;
        }
    }
}
