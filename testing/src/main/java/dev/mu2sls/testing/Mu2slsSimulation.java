package dev.mu2sls.testing;

import dev.mu2sls.check.HistoryChecker;
import dev.mu2sls.core.Mode;
import dev.mu2sls.spi.ServiceDefinition;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs each test on a recorded {@link Simulation} and checks it against the spec afterwards.
 * A test takes a {@link Simulation} parameter, sends requests through it (from many threads, or
 * with {@link Simulation#runClients}) and asserts what it likes; when the test method returns,
 * {@link SimulationExtension} checks the history, the final state and the invariants added with
 * {@link Simulation#invariant}, and fails the test with the violation report and the seed and
 * fault plan to replay. On a class, applies to every test; a method's annotation wins.
 *
 * <pre>{@code
 * @Mu2slsSimulation(services = CounterDispatcher.class, faults = Faults.RANDOM)
 * class CounterSimulationTest {
 *     @Test
 *     void concurrentAdds_areExactlyOnce(Simulation simulation) {
 *         simulation.runClients(8, 25, (random, client, i) ->
 *                 new Simulation.Request("Counter", "add", "[\"k" + random.nextInt(4) + "\", 1]"));
 *     }
 * }
 * }</pre>
 *
 * <h2>Seeds</h2>
 * With no {@link #seed()}, each run draws one and prints it; the failure message says how to
 * replay: set {@code seed} here, or run with {@code -Dmu2sls.seed=<seed>}, which overrides the
 * annotation for every simulation.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@ExtendWith(SimulationExtension.class)
public @interface Mu2slsSimulation {
    /** {@link #seed()} value meaning "draw a seed and print it". */
    long RANDOM_SEED = Long.MIN_VALUE;

    /** System property that overrides the seed of every simulation, to replay a failure. */
    String SEED_PROPERTY = "mu2sls.seed";

    /**
     * The services to run (their generated {@code <Name>Dispatcher}s, which have public no-argument
     * constructors). Empty: every service registered in {@code META-INF/services}.
     */
    Class<? extends ServiceDefinition>[] services() default {};

    /** The seed of the fault plan and of the simulated clients; drawn at random when not set. */
    long seed() default RANDOM_SEED;

    /** The fault plan, drawn from the seed. */
    Faults faults() default Faults.RANDOM;

    /** What the engine guarantees; the weaker modes show that the check can fail. */
    Mode mode() default Mode.FULL;

    /** The history checker's budget of configurations. */
    long maxConfigurations() default HistoryChecker.DEFAULT_MAX_CONFIGURATIONS;

    /** Whether a search that runs out of budget fails the test (else it is reported and passes). */
    boolean failOnInconclusive() default true;
}
