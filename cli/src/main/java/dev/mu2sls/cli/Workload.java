package dev.mu2sls.cli;

import dev.mu2sls.examples.chain.Caller1Dispatcher;
import dev.mu2sls.examples.chain.Caller2Dispatcher;
import dev.mu2sls.examples.counter.CounterDispatcher;
import dev.mu2sls.spi.ServiceDefinition;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/** The workloads of DESIGN §8 that the CLI drives: services plus a request generator. */
enum Workload {
    W1("single-stateful: Counter.add, keys uniform over 1000", List.of(new CounterDispatcher()), "Counter"),
    W2("chain: Caller1 -> Caller2 -> Counter.add, sync calls",
            List.of(new Caller1Dispatcher(), new Caller2Dispatcher(), new CounterDispatcher()), "Caller1");

    static final int KEYS = 1000;

    final String description;
    final List<ServiceDefinition> services;
    final String entryService;

    Workload(String description, List<ServiceDefinition> services, String entryService) {
        this.description = description;
        this.services = services;
        this.entryService = entryService;
    }

    /** The next request of this workload: an add of 1..10 to a uniformly chosen key. */
    Request next(SplittableRandom random) {
        String key = "k" + random.nextInt(KEYS);
        long delta = random.nextInt(1, 11);
        return new Request(entryService, "add", "[\"" + key + "\"," + delta + "]", key, delta);
    }

    static Workload parse(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown workload '" + name + "'; available: " + List.of(values()));
        }
    }

    /** One generated request, with what the checker needs to know about it. */
    record Request(String service, String method, String json, String key, long delta) {}
}
