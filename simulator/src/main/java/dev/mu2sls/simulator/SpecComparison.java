package dev.mu2sls.simulator;

import dev.mu2sls.core.Mode;
import dev.mu2sls.core.Response;
import dev.mu2sls.json.JsonCodec;
import dev.mu2sls.spec.RecordedChoices;
import dev.mu2sls.spec.SpecRunner;
import dev.mu2sls.spi.ServiceDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Runs a sequence of client requests on the simulator under a fault plan, then the same
 * requests on the spec with the implementation's journaled choices, and compares responses and
 * final state. The refinement check for sequential clients (concurrency comes from the platform:
 * duplicates, zombies, re-executions, async fan-out).
 */
public final class SpecComparison {

    /** One client request. */
    public record Request(String id, String service, String method, String jsonArguments) {}

    /**
     * Both runs side by side.
     *
     * @param leftBehind what {@link AfterRunCheck} found after the run (must be empty)
     */
    public record Result(
            FaultPlan plan,
            List<Request> requests,
            List<Response> implementation,
            List<Response> spec,
            SortedMap<String, String> implementationState,
            SortedMap<String, String> specState,
            FaultCounts faults,
            List<String> leftBehind) {

        /** The first difference between implementation and spec, or null when they agree. */
        public String firstDifference() {
            for (int i = 0; i < requests.size(); i++) {
                if (!implementation.get(i).equals(spec.get(i))) {
                    return "request " + requests.get(i) + ": implementation answered " + implementation.get(i)
                            + ", spec answered " + spec.get(i);
                }
            }
            if (!implementationState.equals(specState)) {
                for (String key : specState.keySet()) {
                    if (!specState.get(key).equals(implementationState.get(key))) {
                        return "final state " + key + ": implementation has " + implementationState.get(key)
                                + ", spec has " + specState.get(key);
                    }
                }
                for (String key : implementationState.keySet()) {
                    if (!specState.containsKey(key)) {
                        return "final state " + key + ": implementation has " + implementationState.get(key)
                                + ", spec has nothing";
                    }
                }
            }
            return leftBehind.isEmpty() ? null : String.join("; ", leftBehind);
        }

        /** Throws an {@link AssertionError} naming the seed, the plan and the first difference. */
        public void assertEquivalent() {
            String difference = firstDifference();
            if (difference != null) {
                throw new AssertionError("implementation does not refine the spec under " + plan
                        + " (its factory, FaultPlan.random or FaultPlan.edges, replays it from seed " + plan.seed()
                        + "): " + difference);
            }
        }
    }

    private SpecComparison() {}

    /** Runs with the full engine (journal and transactions). */
    public static Result run(List<? extends ServiceDefinition> services, FaultPlan plan, List<Request> requests) {
        return run(services, plan, requests, Mode.FULL);
    }

    /** Runs with the engine in {@code mode}; {@link Mode#UNSAFE} shows what the comparison catches. */
    public static Result run(
            List<? extends ServiceDefinition> services, FaultPlan plan, List<Request> requests, Mode mode) {
        return run(services, plan, requests, mode, builder -> {});
    }

    /**
     * Runs with the full engine on a simulator set up further by {@code configure}: durable
     * acceptance, retention, lease and maximum execution age for plans that reach the edges of
     * time ({@link FaultPlan#edges}).
     */
    public static Result run(
            List<? extends ServiceDefinition> services,
            FaultPlan plan,
            List<Request> requests,
            Consumer<Simulator.Builder> configure) {
        return run(services, plan, requests, Mode.FULL, configure);
    }

    private static Result run(
            List<? extends ServiceDefinition> services,
            FaultPlan plan,
            List<Request> requests,
            Mode mode,
            Consumer<Simulator.Builder> configure) {
        RecordedChoices choices = new RecordedChoices(plan.seed(), mode);
        List<Response> implementation = new ArrayList<>(requests.size());
        SortedMap<String, String> implementationState;
        FaultCounts faults;
        List<String> leftBehind;
        Simulator.Builder builder = Simulator.builder()
                .services(services)
                .faultPlan(plan)
                .mode(mode)
                .listener(choices);
        configure.accept(builder);
        try (Simulator simulator = builder.build()) {
            for (Request request : requests) {
                implementation.add(
                        simulator.call(request.id(), request.service(), request.method(), request.jsonArguments()));
            }
            simulator.settle(AfterRunCheck.QUIESCENCE_TIMEOUT); // every send and timer delivered
            implementationState = simulator.inspector().dumpState();
            faults = simulator.faults();
            leftBehind = AfterRunCheck.problems(simulator);
        } catch (TimeoutException e) {
            throw new AssertionError(
                    "executions still running " + AfterRunCheck.QUIESCENCE_TIMEOUT.toSeconds()
                            + " s after the last response under " + plan,
                    e);
        }
        SpecRunner spec = new SpecRunner(services, new JsonCodec(), choices);
        List<Response> specResponses = new ArrayList<>(requests.size());
        for (Request request : requests) {
            specResponses.add(spec.call(request.id(), request.service(), request.method(), request.jsonArguments()));
        }
        return new Result(
                plan,
                List.copyOf(requests),
                implementation,
                specResponses,
                implementationState,
                spec.dumpState(),
                faults,
                leftBehind);
    }
}
