package dev.mu2sls.examples;

import dev.mu2sls.examples.chain.Caller1Dispatcher;
import dev.mu2sls.examples.chain.Caller2Dispatcher;
import dev.mu2sls.examples.counter.CounterDispatcher;
import dev.mu2sls.examples.mixed.OrchestratorDispatcher;
import dev.mu2sls.examples.bank.AccountDispatcher;
import dev.mu2sls.examples.bank.BankDispatcher;
import dev.mu2sls.examples.mixed.ShardDispatcher;
import dev.mu2sls.examples.travel.FlightDispatcher;
import dev.mu2sls.examples.travel.FrontendDispatcher;
import dev.mu2sls.examples.travel.HotelDispatcher;
import dev.mu2sls.examples.travel.OrderDispatcher;
import dev.mu2sls.examples.tree.Backend1Dispatcher;
import dev.mu2sls.examples.tree.Backend2Dispatcher;
import dev.mu2sls.examples.tree.TreeDispatcher;
import dev.mu2sls.simulator.SpecComparison.Request;
import dev.mu2sls.spi.ServiceDefinition;
import dev.mu2sls.testing.Simulation;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Services and seeded request sequences of the workloads the property tests run. */
final class Workloads {
    static final List<ServiceDefinition> W1 = List.of(new CounterDispatcher());
    static final List<ServiceDefinition> W2 = List.of(new Caller1Dispatcher(), new Caller2Dispatcher(), new CounterDispatcher());
    static final List<ServiceDefinition> MIXED = List.of(new OrchestratorDispatcher(), new ShardDispatcher());
    static final List<ServiceDefinition> W3 = List.of(new TreeDispatcher(), new Backend1Dispatcher(), new Backend2Dispatcher());
    static final List<ServiceDefinition> W5 = List.of(new FrontendDispatcher(), new HotelDispatcher(),
            new FlightDispatcher(), new OrderDispatcher());
    static final List<ServiceDefinition> W6 = List.of(new BankDispatcher(), new AccountDispatcher());

    private Workloads() {}

    /** W1: adds to a few hot keys, with reads mixed in. */
    static List<Request> counter(long seed, String service) {
        SplittableRandom random = new SplittableRandom(seed);
        int count = random.nextInt(4, 14);
        List<Request> requests = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String key = "k" + random.nextInt(3);
            if (service.equals("Counter") && random.nextInt(5) == 0) {
                requests.add(new Request("r" + i, "Counter", "get", "[\"" + key + "\"]"));
            } else {
                requests.add(new Request("r" + i, service, "add", "[\"" + key + "\", " + random.nextInt(1, 10) + "]"));
            }
        }
        return requests;
    }

    /** W3: transactional adds to a few keys of both backends. */
    static List<Request> tree(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int count = random.nextInt(3, 10);
        List<Request> requests = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            requests.add(new Request("t" + i, "Tree", "add", "[\"k" + random.nextInt(3) + "\", " + random.nextInt(1, 10) + "]"));
        }
        return requests;
    }

    /** W5: a few small hotels and flights, then bookings, some of which sell out (abort). */
    static List<Request> travel(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Request> requests = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            requests.add(new Request("open-h" + i, "Hotel", "open", "[\"h" + i + "\", " + random.nextInt(1, 3) + "]"));
            requests.add(new Request("open-f" + i, "Flight", "open", "[\"f" + i + "\", " + random.nextInt(1, 3) + "]"));
        }
        int count = random.nextInt(2, 7);
        for (int i = 0; i < count; i++) {
            requests.add(new Request("b" + i, "Frontend", "book",
                    "[\"u" + random.nextInt(3) + "\", \"f" + random.nextInt(2) + "\", \"h" + random.nextInt(2) + "\"]"));
        }
        return requests;
    }

    /** The mixed service: batches with fan-out, failing batches, receipt lookups. */
    static List<Request> mixed(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int count = random.nextInt(3, 8);
        List<Request> requests = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String user = "u" + random.nextInt(2);
            int kind = random.nextInt(10);
            if (kind == 0) {
                requests.add(new Request("m" + i, "Orchestrator", "receipt", "[\"" + user + "\", " + random.nextInt(1, 4) + "]"));
            } else if (kind == 1) {
                requests.add(new Request("m" + i, "Orchestrator", "process", "[\"" + user + "\", []]"));
            } else {
                List<Long> amounts = new ArrayList<>();
                int parts = random.nextInt(1, 4);
                for (int p = 0; p < parts; p++) {
                    amounts.add(kind == 2 && p == parts - 1 ? -1L : random.nextLong(0, 100));
                }
                requests.add(new Request("m" + i, "Orchestrator", "process", "[\"" + user + "\", " + amounts + "]"));
            }
        }
        return requests;
    }

    // ---- concurrent client scripts for the recorded simulations (HistoryCheckTest) ----

    /** W1 and W2: adds to {@code keys} hot keys through {@code service}, with Counter reads mixed in. */
    static Simulation.Script counterClients(String service, int keys) {
        return (random, client, i) -> {
            String key = "\"k" + random.nextInt(keys) + "\"";
            if (random.nextInt(5) == 0) {
                return new Simulation.Request("Counter", "get", "[" + key + "]");
            }
            return new Simulation.Request(service, "add", "[" + key + ", " + random.nextInt(1, 10) + "]");
        };
    }

    /** W5 setup: opens {@code places} hotels and flights of {@code capacity}, one request at a time. */
    static void openTravel(Simulation simulation, int places, int capacity) {
        for (int i = 0; i < places; i++) {
            simulation.call("open-h" + i, "Hotel", "open", "[\"h" + i + "\", " + capacity + "]");
            simulation.call("open-f" + i, "Flight", "open", "[\"f" + i + "\", " + capacity + "]");
        }
    }

    /** W5: bookings of random flights and hotels by a few users. */
    static Simulation.Script travelClients(int places, int users) {
        return (random, client, i) -> new Simulation.Request("Frontend", "book", "[\"u" + random.nextInt(users) + "\", \"f"
                + random.nextInt(places) + "\", \"h" + random.nextInt(places) + "\"]");
    }

    /** W6 setup: opens {@code accounts} accounts with {@code balance} each. */
    static void openAccounts(Simulation simulation, int accounts, long balance) {
        for (int a = 0; a < accounts; a++) {
            simulation.call("open-a" + a, "Account", "open", "[\"a" + a + "\", " + balance + "]");
        }
    }

    /** W6: transfers between random accounts, one request in eight an audit of the total. */
    static Simulation.Script bankClients(int accounts) {
        return (random, client, i) -> random.nextInt(8) == 0
                ? new Simulation.Request("Bank", "audit", "[]")
                : new Simulation.Request("Bank", "transfer", "[\"a" + random.nextInt(accounts) + "\", \"a"
                        + random.nextInt(accounts) + "\", " + random.nextInt(1, 150) + "]");
    }
}
