package dev.mu2sls.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mu2sls.check.ListAppendChecker;
import dev.mu2sls.core.Mode;
import dev.mu2sls.core.Response;
import dev.mu2sls.examples.lists.ListTransactionsDispatcher;
import dev.mu2sls.examples.lists.ListsDispatcher;
import dev.mu2sls.simulator.FaultPlan;
import dev.mu2sls.simulator.Simulator;
import dev.mu2sls.spi.ServiceDefinition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * G2 checked the Elle way: randomized concurrent list-append transactions under random fault
 * plans, every history checked for dependency cycles, dirty reads and lost writes.
 */
class ListAppendTest {
    private static final List<ServiceDefinition> SERVICES =
            List.of(new ListTransactionsDispatcher(), new ListsDispatcher());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int KEYS = 4;

    @Test
    void hundredRandomHistoriesUnderFaults_areSerializable() throws Exception {
        int transactions = 0;
        for (long seed = 0; seed < 100; seed++) {
            FaultPlan plan = FaultPlan.random(seed);
            ListAppendChecker.Result result = runHistory(seed, plan, Mode.FULL);
            assertThat(result.anomalies()).as("history %d under %s", seed, plan).isEmpty();
            transactions += result.transactions();
        }
        assertThat(transactions).isEqualTo(100 * 8 * 4);
    }

    /** The checker is able to fail on real runs: with transactions off, concurrent histories break. */
    @Test
    void transactionsOff_checkerFindsAnomalies() throws Exception {
        int invalid = 0;
        for (long seed = 0; seed < 20; seed++) {
            if (!runHistory(seed, FaultPlan.demo(seed), Mode.EXACTLY_ONCE).valid()) {
                invalid++;
            }
        }
        assertThat(invalid).as("histories with anomalies, of 20").isPositive();
    }

    private static ListAppendChecker.Result runHistory(long seed, FaultPlan plan, Mode mode) throws Exception {
        try (Simulator simulator = Simulator.builder()
                .services(SERVICES)
                .faultPlan(plan)
                .mode(mode)
                .build()) {
            AtomicInteger unique = new AtomicInteger();
            List<ConcurrentLoad.Answer> answers = ConcurrentLoad.run(simulator, 8, 4, seed, (random, i) -> {
                List<Map<String, Object>> ops = new ArrayList<>();
                int count = random.nextInt(1, 5);
                for (int o = 0; o < count; o++) {
                    String key = "k" + random.nextInt(KEYS);
                    if (random.nextBoolean()) {
                        ops.add(Map.of("kind", "append", "key", key, "value", unique.incrementAndGet()));
                    } else {
                        ops.add(Map.of("kind", "read", "key", key, "value", 0));
                    }
                }
                try {
                    return new String[] {"ListTransactions", "run", "[" + JSON.writeValueAsString(ops) + "]"};
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            simulator.awaitQuiescence(Duration.ofSeconds(30));
            List<ListAppendChecker.Txn> committed = new ArrayList<>();
            for (ConcurrentLoad.Answer answer : answers) {
                committed.add(toTxn(answer));
            }
            Map<String, List<Integer>> finalLists = new HashMap<>();
            for (int k = 0; k < KEYS; k++) {
                Response read = simulator.call("final-k" + k, "Lists", "read", "[\"k" + k + "\"]");
                finalLists.put("k" + k, JSON.readValue(read.value(), new TypeReference<List<Integer>>() {}));
            }
            return ListAppendChecker.check(committed, finalLists);
        }
    }

    private static ListAppendChecker.Txn toTxn(ConcurrentLoad.Answer answer) throws Exception {
        assertThat(answer.response().ok())
                .as("transaction %s failed: %s", answer.id(), answer.response())
                .isTrue();
        List<List<Map<String, Object>>> args = JSON.readValue(answer.json(), new TypeReference<>() {});
        List<List<Integer>> results = JSON.readValue(answer.response().value(), new TypeReference<>() {});
        List<ListAppendChecker.Op> ops = new ArrayList<>();
        for (int i = 0; i < args.getFirst().size(); i++) {
            Map<String, Object> op = args.getFirst().get(i);
            String key = (String) op.get("key");
            ops.add(
                    op.get("kind").equals("append")
                            ? ListAppendChecker.Op.append(key, (Integer) op.get("value"))
                            : ListAppendChecker.Op.read(key, results.get(i)));
        }
        return new ListAppendChecker.Txn(answer.id(), ops);
    }
}
