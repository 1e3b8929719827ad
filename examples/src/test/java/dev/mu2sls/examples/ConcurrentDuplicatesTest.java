package dev.mu2sls.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mu2sls.core.Invocation;
import dev.mu2sls.core.Response;
import dev.mu2sls.simulator.Simulator;
import dev.mu2sls.spi.ServiceDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** 64 concurrent executions of one request id: effects once, one response for all (G1). */
class ConcurrentDuplicatesTest {
    private static final int EXECUTIONS = 64;

    private static List<Response> invokeConcurrently(Simulator simulator, Invocation invocation) throws Exception {
        return concurrently(simulator, invocation, false);
    }

    /** As clients' requests: each accepted durably first ({@code Engine.submit}), at attempt 0 like a client's retry. */
    private static List<Response> submitConcurrently(Simulator simulator, Invocation invocation) throws Exception {
        return concurrently(simulator, invocation, true);
    }

    private static List<Response> concurrently(Simulator simulator, Invocation invocation, boolean submit)
            throws Exception {
        CyclicBarrier start = new CyclicBarrier(EXECUTIONS);
        List<Future<Response>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(EXECUTIONS)) {
            for (int i = 0; i < EXECUTIONS; i++) {
                int attempt = i;
                futures.add(pool.submit(() -> {
                    start.await();
                    return submit
                            ? simulator.engine().submit(invocation)
                            : simulator.engine().invoke(invocation.withAttempt(attempt));
                }));
            }
            List<Response> responses = new ArrayList<>();
            for (Future<Response> future : futures) {
                responses.add(future.get());
            }
            return responses;
        }
    }

    private static Simulator simulator(List<ServiceDefinition> services) {
        return Simulator.builder().services(services).build();
    }

    @Test
    void sixtyFourConcurrentExecutions_counterAdd_appliedOnceSameResponse() throws Exception {
        try (Simulator simulator = simulator(Workloads.W1)) {
            Invocation add = new Invocation("dup-1", "Counter", "add", "[\"k\", 5]".getBytes(UTF_8), 0);
            List<Response> responses = invokeConcurrently(simulator, add);
            assertThat(responses).hasSize(EXECUTIONS).allSatisfy(r -> assertThat(r)
                    .isEqualTo(responses.get(0)));
            assertThat(new String(responses.get(0).value(), UTF_8)).isEqualTo("5");
            assertThat(simulator.inspector().dumpState()).containsEntry("Counter.counts[\"k\"]", "5");
        }
    }

    @Test
    void sixtyFourConcurrentExecutions_chainThroughTwoHops_appliedOnceSameResponse() throws Exception {
        try (Simulator simulator = simulator(Workloads.W2)) {
            simulator.call("before", "Counter", "add", "[\"k\", 100]");
            Invocation add = new Invocation("dup-2", "Caller1", "add", "[\"k\", 7]".getBytes(UTF_8), 0);
            List<Response> responses = invokeConcurrently(simulator, add);
            assertThat(responses)
                    .allSatisfy(r -> assertThat(new String(r.value(), UTF_8)).isEqualTo("107"));
            assertThat(simulator.inspector().dumpState()).containsEntry("Counter.counts[\"k\"]", "107");
        }
    }

    @Test
    void sixtyFourConcurrentExecutions_mixedFanOut_appliedOnceSameResponse() throws Exception {
        try (Simulator simulator = simulator(Workloads.MIXED)) {
            Invocation batch =
                    new Invocation("dup-3", "Orchestrator", "process", "[\"u\", [1, 2, 3]]".getBytes(UTF_8), 0);
            List<Response> responses = invokeConcurrently(simulator, batch);
            assertThat(responses).allSatisfy(r -> assertThat(r).isEqualTo(responses.get(0)));
            assertThat(simulator.inspector().dumpState())
                    .containsEntry("Shard.amounts[\"u/0\"]", "1")
                    .containsEntry("Shard.amounts[\"u/1\"]", "2")
                    .containsEntry("Shard.amounts[\"u/2\"]", "3")
                    .containsEntry("Orchestrator.batches", "1");
        }
    }

    @Test
    void duplicateOfCompletedClientRequest_atAttemptZero_answersRecordedResponse_leavesNoAcceptance() {
        try (Simulator simulator = simulator(Workloads.W1)) {
            Invocation add = new Invocation("client-dup", "Counter", "add", "[\"k\", 5]".getBytes(UTF_8), 0);
            Response first = simulator.engine().submit(add);
            Response again = simulator.engine().submit(add);
            assertThat(again).isEqualTo(first);
            assertThat(new String(again.value(), UTF_8)).isEqualTo("5");
            assertThat(simulator.inspector().dumpState()).containsEntry("Counter.counts[\"k\"]", "5");
            assertThat(simulator.engine().recover())
                    .as("acceptance records left to re-drive")
                    .isZero();
        }
    }

    @Test
    void sixtyFourConcurrentClientRetries_atAttemptZero_appliedOnce_leaveNoAcceptance() throws Exception {
        try (Simulator simulator = simulator(Workloads.W1)) {
            Invocation add = new Invocation("client-dup-64", "Counter", "add", "[\"k\", 5]".getBytes(UTF_8), 0);
            List<Response> responses = submitConcurrently(simulator, add);
            assertThat(responses).hasSize(EXECUTIONS).allSatisfy(r -> assertThat(r)
                    .isEqualTo(responses.get(0)));
            assertThat(simulator.inspector().dumpState()).containsEntry("Counter.counts[\"k\"]", "5");
            assertThat(simulator.engine().recover())
                    .as("acceptance records left to re-drive")
                    .isZero();
        }
    }
}
