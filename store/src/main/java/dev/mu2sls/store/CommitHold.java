package dev.mu2sls.store;

/**
 * Other threads' commits through one store held back (see {@link Store#holdCommits}) until
 * {@link #release()}, which only the holding thread may call, and which is idempotent.
 */
@FunctionalInterface
public interface CommitHold {
    /** What stores without the ability return: nothing is held. */
    CommitHold NONE = () -> { };

    void release();
}
