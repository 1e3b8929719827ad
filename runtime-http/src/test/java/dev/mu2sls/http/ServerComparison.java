package dev.mu2sls.http;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.mu2sls.core.Engine;
import dev.mu2sls.examples.counter.CounterDispatcher;
import dev.mu2sls.json.JsonCodec;
import dev.mu2sls.store.MemoryStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The measurement behind the choice of HTTP server (docs/architecture.md, "HTTP functions and
 * platforms"): Jetty 12 and the JDK's {@code HttpServer}, both on virtual threads, carrying the
 * same {@link FunctionHandler} (W1 {@code Counter.add} on the in-memory store, signed calls), driven
 * by closed-loop {@code java.net.http} clients on the same machine, alternating rounds; plus the
 * cold start of each in a fresh JVM (JVM start to first answered request). Not a test: run with
 * {@code java -cp <runtime-http test class path> dev.mu2sls.http.ServerComparison [seconds] [clients]}.
 */
public final class ServerComparison {
    private static final byte[] SECRET = "server-comparison-secret".getBytes(UTF_8);

    private ServerComparison() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("--cold")) {
            coldStart(args[1]);
            return;
        }
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        for (String server : List.of("jetty", "jdk", "jetty", "jdk")) {
            System.out.println(cold(server));
        }
        for (String server : List.of("jetty", "jdk")) {
            measure(server, 2, clients, false); // warm-up
        }
        for (int round = 0; round < 2; round++) {
            for (String server : List.of("jetty", "jdk")) {
                measure(server, seconds, clients, true);
            }
        }
    }

    private static HttpServerAdapter start(String server, FunctionHandler handler) {
        Function<HttpCall, HttpReply> h = handler::handle;
        return server.equals("jetty")
                ? JettyServer.start("127.0.0.1", 0, 1 << 20, h)
                : JdkServer.start("127.0.0.1", 0, 1 << 20, h);
    }

    private static FunctionHandler counter() {
        Engine engine = Engine.builder()
                .store(new MemoryStore())
                .codec(new JsonCodec())
                .service(new CounterDispatcher())
                .build();
        return new FunctionHandler(engine, "Counter", CallSigner.of(SECRET), 1 << 20);
    }

    private static void measure(String server, int seconds, int clients, boolean report) throws Exception {
        CallSigner signer = CallSigner.of(SECRET);
        try (HttpServerAdapter running = start(server, counter());
                HttpClient http = HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .build()) {
            URI uri = URI.create("http://127.0.0.1:" + running.port() + "/add");
            AtomicLong ids = new AtomicLong();
            ConcurrentLinkedQueue<long[]> latencies = new ConcurrentLinkedQueue<>();
            AtomicLong errors = new AtomicLong();
            long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
            List<Thread> threads = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                threads.add(Thread.ofVirtual().start(() -> {
                    long[] mine = new long[1 << 20];
                    int n = 0;
                    while (System.nanoTime() < end) {
                        long id = ids.incrementAndGet();
                        byte[] body = ("[\"k" + (id % 1000) + "\",1]").getBytes(UTF_8);
                        HttpRequest.Builder request =
                                HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofByteArray(body));
                        signer.sign(new CallSigner.CallMetadata("r" + id, null, "Counter", "add", false), body)
                                .forEach(request::header);
                        long start = System.nanoTime();
                        try {
                            HttpResponse<byte[]> response =
                                    http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
                            if (response.statusCode() != 200) {
                                errors.incrementAndGet();
                            }
                        } catch (Exception e) {
                            errors.incrementAndGet();
                        }
                        if (n < mine.length) {
                            mine[n++] = System.nanoTime() - start;
                        }
                    }
                    latencies.add(Arrays.copyOf(mine, n));
                }));
            }
            for (Thread thread : threads) {
                thread.join();
            }
            long[] all =
                    latencies.stream().flatMapToLong(Arrays::stream).sorted().toArray();
            if (report) {
                System.out.printf(
                        "%-5s clients=%d seconds=%d rps=%.0f p50_ms=%.2f p99_ms=%.2f errors=%d%n",
                        server,
                        clients,
                        seconds,
                        all.length / (double) seconds,
                        all[all.length / 2] / 1e6,
                        all[(int) (all.length * 0.99)] / 1e6,
                        errors.get());
            }
        }
    }

    /** Runs {@code --cold server} in a fresh JVM and returns its report line. */
    private static String cold(String server) throws Exception {
        Process process = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        ServerComparison.class.getName(),
                        "--cold",
                        server)
                .redirectErrorStream(true)
                .start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), UTF_8))) {
            String last = null;
            for (String line; (line = out.readLine()) != null; ) {
                last = line;
            }
            process.waitFor();
            return last;
        }
    }

    private static void coldStart(String server) throws Exception {
        HttpServerAdapter running = start(server, counter());
        byte[] body = "[\"k\",1]".getBytes(UTF_8);
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpRequest.Builder request = HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + running.port() + "/add"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            CallSigner.of(SECRET)
                    .sign(new CallSigner.CallMetadata("cold", null, "Counter", "add", false), body)
                    .forEach(request::header);
            int status = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray())
                    .statusCode();
            long millis = System.currentTimeMillis()
                    - ManagementFactory.getRuntimeMXBean().getStartTime();
            System.out.printf(
                    "%-5s cold start to first answer: %d ms (status %d), heap used %d MB%n",
                    server,
                    millis,
                    status,
                    (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20);
        }
        running.stop(0);
        System.exit(0);
    }
}
