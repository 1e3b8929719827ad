package dev.mu2sls.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Closed-loop clients against a gateway over HTTP ({@code POST /call/<Service>/<method>}): each
 * client, a virtual thread, sends the workload's next request with a fresh {@code Idempotency-Key}
 * when its previous one answered, over its own HTTP/1.1 keep-alive connection
 * ({@link RawHttpConnection}; or {@code java.net.http}'s shared client, which costs far more CPU). Latencies go into an HdrHistogram (microseconds), as in
 * {@link LoadRunner}; a warm-up phase is excluded. A request counts as an error unless it is
 * answered 200 with {@code {"ok":true,...}}; errors are not retried (they would hide the platform's
 * failures in the latency).
 */
final class HttpLoadRunner implements AutoCloseable {
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration SETUP_DEADLINE = Duration.ofSeconds(120);

    record Result(long requests, long errors, double seconds, Histogram latencyMicros, List<String> errorSamples) {
        double rps() {
            return requests / seconds;
        }

        double percentileMillis(double percentile) {
            return latencyMicros.getTotalCount() == 0 ? 0 : latencyMicros.getValueAtPercentile(percentile) / 1000.0;
        }
    }

    private record Reply(int status, String body) {
        boolean ok() {
            return status == 200 && body.startsWith("{\"ok\":true");
        }
    }

    /** How the clients speak HTTP. */
    enum Client {
        /** One {@link RawHttpConnection} per client. */
        RAW,
        /** One shared {@code java.net.http.HttpClient} (HTTP/1.1, its connection pool). */
        JDK
    }

    /** One client's way of sending requests. */
    private interface Sender extends AutoCloseable {
        Reply send(Workload.Request request, String key) throws IOException, InterruptedException;

        @Override
        void close();
    }

    private final URI gateway;
    private final Client client;
    private final HttpClient http;
    /** Makes this run's idempotency keys fresh, also against earlier runs on the same store. */
    private final String run =
            HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());

    HttpLoadRunner(URI gateway, Client client) {
        this.gateway = gateway;
        this.client = client;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /** The engine mode the gateway reports on {@code GET /health}, or null when it reports none. */
    String mode() throws IOException, InterruptedException {
        HttpResponse<String> health = http.send(
                HttpRequest.newBuilder(gateway.resolve("/health"))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (health.statusCode() != 200) {
            throw new IOException(
                    "the gateway's health endpoint " + gateway.resolve("/health") + " answered " + health.statusCode());
        }
        Matcher mode = Pattern.compile("\"mode\":\"([a-z-]+)\"").matcher(health.body());
        return mode.find() ? mode.group(1) : null;
    }

    /**
     * Runs the workload's set-up requests (8 at a time), each retried with its key while the
     * gateway is unreachable or answers 503.
     *
     * @throws IllegalStateException when one fails
     */
    void setup(Workload workload) throws InterruptedException {
        List<Workload.Request> setup = workload.setup();
        AtomicInteger next = new AtomicInteger();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < Math.min(8, setup.size()); t++) {
            threads.add(Thread.ofVirtual().start(() -> {
                for (int i; (i = next.getAndIncrement()) < setup.size() && failures.isEmpty(); ) {
                    Workload.Request request = setup.get(i);
                    String key = "setup-" + run + "-" + i;
                    long giveUpAt = System.nanoTime() + SETUP_DEADLINE.toNanos();
                    while (true) {
                        String outcome;
                        try {
                            Reply reply = send(request, key);
                            if (reply.ok()) {
                                break;
                            }
                            outcome = reply.status() + " " + reply.body();
                            if (reply.status() != 503) {
                                failures.add(request + ": " + outcome);
                                break;
                            }
                        } catch (IOException e) {
                            outcome = e.toString();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                        if (System.nanoTime() > giveUpAt) {
                            failures.add(request + ": " + outcome);
                            break;
                        }
                        try {
                            Thread.sleep(200);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException("set-up request failed: " + failures.peek());
        }
    }

    Result run(
            Workload workload,
            int concurrency,
            Duration warmup,
            Duration duration,
            long seed,
            Progress progress,
            String label)
            throws InterruptedException {
        Recorder recorder = new Recorder(3);
        LongAdder answered = new LongAdder();
        LongAdder failed = new LongAdder();
        ConcurrentLinkedQueue<String> errorSamples = new ConcurrentLinkedQueue<>();
        Phase phase = new Phase();
        List<Thread> clients = new ArrayList<>(concurrency);
        for (int c = 0; c < concurrency; c++) {
            int client = c;
            clients.add(Thread.ofVirtual().name("http-client-" + c).start(() -> {
                SplittableRandom random = new SplittableRandom(seed * 1_000_003L + client);
                try (Sender sender = sender()) {
                    for (long n = 0; !phase.stopped; n++) {
                        Workload.Request request = workload.next(random);
                        String key = run + "-c" + client + "-" + n;
                        long start = System.nanoTime();
                        boolean ok;
                        String error = null;
                        try {
                            Reply reply = sender.send(request, key);
                            ok = reply.ok();
                            if (!ok) {
                                error = reply.status() + " " + reply.body();
                            }
                        } catch (IOException e) {
                            ok = false;
                            error = e.toString();
                        } catch (InterruptedException e) {
                            return;
                        }
                        long end = System.nanoTime();
                        if (phase.measuring) {
                            recorder.recordValue(Math.max(1, (end - start) / 1_000));
                            answered.increment();
                            if (!ok) {
                                failed.increment();
                            }
                        }
                        if (!ok) {
                            if (errorSamples.size() < 5) {
                                errorSamples.add(key + " " + request.service() + "." + request.method() + ": " + error);
                            }
                            try {
                                Thread.sleep(10); // no hot loop against a gateway that is down
                            } catch (InterruptedException e) {
                                return;
                            }
                        }
                    }
                }
            }));
        }
        LoadRunner.sleepWithProgress(progress, label + " warmup", warmup, answered);
        recorder.reset();
        long measureStart = System.nanoTime();
        phase.measuring = true;
        LoadRunner.sleepWithProgress(progress, label, duration, answered);
        phase.measuring = false;
        long measureEnd = System.nanoTime();
        Histogram latencies = recorder.getIntervalHistogram();
        long requests = answered.sum();
        long errors = failed.sum();
        phase.stopped = true;
        for (Thread client : clients) {
            client.join(REQUEST_TIMEOUT.plusSeconds(5));
        }
        progress.finish();
        return new Result(requests, errors, (measureEnd - measureStart) / 1e9, latencies, List.copyOf(errorSamples));
    }

    private Sender sender() {
        if (client == Client.JDK) {
            return new Sender() {
                @Override
                public Reply send(Workload.Request request, String key) throws IOException, InterruptedException {
                    return HttpLoadRunner.this.send(request, key);
                }

                @Override
                public void close() {}
            };
        }
        RawHttpConnection connection = new RawHttpConnection(gateway, (int) REQUEST_TIMEOUT.toMillis());
        return new Sender() {
            @Override
            public Reply send(Workload.Request request, String key) throws IOException {
                RawHttpConnection.Reply reply =
                        connection.post("/call/" + request.service() + "/" + request.method(), key, request.json());
                return new Reply(reply.status(), reply.body());
            }

            @Override
            public void close() {
                connection.close();
            }
        };
    }

    private Reply send(Workload.Request request, String key) throws IOException, InterruptedException {
        HttpRequest post = HttpRequest.newBuilder(
                        gateway.resolve("/call/" + request.service() + "/" + request.method()))
                .header("Idempotency-Key", key)
                .header("Content-Type", "application/json")
                .timeout(REQUEST_TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofString(request.json(), UTF_8))
                .build();
        HttpResponse<String> response = http.send(post, HttpResponse.BodyHandlers.ofString(UTF_8));
        return new Reply(response.statusCode(), response.body());
    }

    @Override
    public void close() {
        http.close();
    }

    private static final class Phase {
        volatile boolean measuring;
        volatile boolean stopped;
    }
}
