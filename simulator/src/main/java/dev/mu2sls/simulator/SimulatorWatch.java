package dev.mu2sls.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Lets a test harness run {@link AfterRunCheck} on every simulator built while the watch is
 * open, from any thread: a simulator is checked as it closes (its store still open), and one
 * still open when the watch closes is checked then. This is how the testing kit's JUnit
 * extension checks tests that build a {@link Simulator} themselves. Without an open watch,
 * building and closing a simulator does nothing more.
 *
 * <h2>Thread safety</h2>
 * Simulators may be built and closed on any thread while a watch is open.
 */
public final class SimulatorWatch implements AutoCloseable {
    private static final Set<SimulatorWatch> OPEN = ConcurrentHashMap.newKeySet();

    private final Set<Simulator> running = ConcurrentHashMap.newKeySet();
    private final List<String> problems = new ArrayList<>();

    private SimulatorWatch() {}

    /** Starts watching every simulator built from now on, until {@link #close()}. */
    public static SimulatorWatch open() {
        SimulatorWatch watch = new SimulatorWatch();
        OPEN.add(watch);
        return watch;
    }

    static void opened(Simulator simulator) {
        for (SimulatorWatch watch : OPEN) {
            watch.running.add(simulator);
        }
    }

    static void closing(Simulator simulator) {
        for (SimulatorWatch watch : OPEN) {
            if (watch.running.remove(simulator)) {
                watch.check(simulator);
            }
        }
    }

    private void check(Simulator simulator) {
        List<String> found = AfterRunCheck.problems(simulator);
        synchronized (problems) {
            for (String problem : found) {
                problems.add("simulator " + simulator.plan() + ": " + problem);
            }
        }
    }

    /** Stops watching, checks the simulators still open, and returns every problem found. */
    public List<String> finish() {
        OPEN.remove(this);
        for (Simulator simulator : List.copyOf(running)) {
            running.remove(simulator);
            check(simulator);
        }
        synchronized (problems) {
            return List.copyOf(problems);
        }
    }

    @Override
    public void close() {
        OPEN.remove(this);
    }
}
