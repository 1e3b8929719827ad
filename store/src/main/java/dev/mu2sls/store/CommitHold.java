package dev.mu2sls.store;

import java.util.concurrent.locks.ReentrantLock;

/**
 * Other threads' commits through one store held back (see {@link Store#holdCommits}) until
 * {@link #release()}, which only the holding thread may call, and which is idempotent.
 */
@FunctionalInterface
public interface CommitHold {
    /** Nothing held. */
    CommitHold NONE = () -> {};

    void release();

    /**
     * Takes {@code commitLock}, the lock every commit of a store takes, so that commits of other
     * threads wait; the holder's own commits take it again (it is reentrant).
     */
    static CommitHold of(ReentrantLock commitLock) {
        commitLock.lock();
        boolean[] released = {false};
        return () -> {
            if (!released[0]) {
                released[0] = true;
                commitLock.unlock();
            }
        };
    }
}
