package dev.mu2sls.simulator;

import java.util.function.BooleanSupplier;

/**
 * Keeps the simulator's jumps of time past the response retention within assumption A5: a client
 * retries a request only within the retention. A jump while a client request is still unanswered
 * would have its platform retry it after its records expired (a commit whose reply was lost,
 * retried after the jump, finds nothing and runs again), which no deployment honouring A5 does.
 * So such a jump waits until every client request has its answer, and holds new ones back.
 */
final class AnswerGate {
    private int unanswered;
    private boolean jumping;

    /** A client request is sent: waits while time jumps. */
    void sent() {
        sentIf(() -> true);
    }

    /**
     * A client request is sent if {@code allowed} still holds once no jump is under way (a retry
     * within the retention, say): checked and counted at once, so no jump slips in between.
     *
     * @return whether it was sent (and must be {@link #answered()})
     */
    synchronized boolean sentIf(BooleanSupplier allowed) {
        boolean interrupted = false;
        while (jumping) {
            try {
                wait();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (!allowed.getAsBoolean()) {
            return false;
        }
        unanswered++;
        return true;
    }

    /**
     * The client got its answer (or gave up with a failure).
     *
     * @throws IllegalStateException if no request is unanswered: the simulator answered one twice,
     *     and time may have jumped while its client still waited (its own fault, not the engine's)
     */
    synchronized void answered() {
        if (unanswered == 0) {
            throw new IllegalStateException("a client request was answered twice by the simulator");
        }
        unanswered--;
        notifyAll();
    }

    /**
     * Runs {@code jump} once no client request is unanswered, waiting at most {@code waitMillis}.
     *
     * @return false, without running it, if requests were still unanswered (a zombie's caller waits
     *     for it) or another jump is under way
     */
    boolean jumpWhenAllAnswered(long waitMillis, Runnable jump) {
        synchronized (this) {
            if (jumping) {
                return false;
            }
            jumping = true;
            long until = System.currentTimeMillis() + waitMillis;
            try {
                while (unanswered > 0) {
                    long left = until - System.currentTimeMillis();
                    if (left <= 0) {
                        jumping = false;
                        notifyAll();
                        return false;
                    }
                    wait(left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                jumping = false;
                notifyAll();
                return false;
            }
        }
        try {
            jump.run();
            return true;
        } finally {
            synchronized (this) {
                jumping = false;
                notifyAll();
            }
        }
    }
}
