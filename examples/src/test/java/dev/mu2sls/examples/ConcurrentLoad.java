package dev.mu2sls.examples;

import dev.mu2sls.core.Response;
import dev.mu2sls.simulator.Simulator;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BiFunction;

/** Closed-loop clients for concurrency tests: each sends its requests one after another. */
final class ConcurrentLoad {
    /** One answered request. */
    record Answer(String id, String service, String method, String json, Response response) {}

    private ConcurrentLoad() {}

    /**
     * Runs {@code clients} virtual threads, each sending {@code perClient} requests made by
     * {@code next(random, requestNumber)} as {service, method, json}, and returns every answer.
     */
    static List<Answer> run(
            Simulator simulator,
            int clients,
            int perClient,
            long seed,
            BiFunction<SplittableRandom, Integer, String[]> next)
            throws InterruptedException {
        ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            threads.add(Thread.ofVirtual().start(() -> {
                SplittableRandom random = new SplittableRandom(seed * 7919 + client);
                for (int i = 0; i < perClient; i++) {
                    String[] request = next.apply(random, i);
                    String id = "c" + client + "-" + i;
                    answers.add(new Answer(
                            id,
                            request[0],
                            request[1],
                            request[2],
                            simulator.call(id, request[0], request[1], request[2])));
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        return List.copyOf(answers);
    }
}
