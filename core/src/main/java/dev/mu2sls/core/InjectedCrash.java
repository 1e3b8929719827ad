package dev.mu2sls.core;

/**
 * A crash injected by a fault plan: the execution stops where it is, as if its instance died.
 * An {@link Error}, so that service code catching {@code Exception} cannot swallow it.
 */
public final class InjectedCrash extends Error {
    private final CrashPoint point;

    public InjectedCrash(CrashPoint point, String where) {
        super("injected crash at " + point + " in " + where, null, false, false);
        this.point = point;
    }

    public CrashPoint point() {
        return point;
    }
}
