package dev.mu2sls.core;

/**
 * Decides, at each {@link CrashPoint}, whether the execution goes on, crashes (throws
 * {@link InjectedCrash}) or stalls (blocks, so that the platform times it out and a zombie
 * keeps running). Implemented by the simulator's fault plan.
 */
@FunctionalInterface
public interface FaultInjector {
    /** Injects nothing. */
    FaultInjector NONE = (point, invocation, step) -> {};

    /**
     * Called when {@code invocation} reaches {@code point} at journal step {@code step}.
     *
     * @throws InjectedCrash to crash the execution here
     */
    void at(CrashPoint point, Invocation invocation, int step);
}
