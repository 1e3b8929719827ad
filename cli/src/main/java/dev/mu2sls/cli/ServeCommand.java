package dev.mu2sls.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.mu2sls.InvalidRequestException;
import dev.mu2sls.core.Invocation;
import dev.mu2sls.core.Response;
import dev.mu2sls.simulator.Simulator;
import dev.mu2sls.store.Store;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code mu2sls serve}: one process serving a workload's services over HTTP on loopback, on a
 * durable store, recovering accepted requests on start. Clients send
 * {@code POST /call/<Service>/<method>} with a JSON array body and an {@code Idempotency-Key}
 * header, and may retry with the same key after any failure. The crash tests kill it with
 * {@code kill -9} under load; the HTTP platform of the platforms issue will supersede it.
 */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = "Serve a workload's services over HTTP on 127.0.0.1 with a durable store; recover on start.")
final class ServeCommand implements Callable<Integer> {
    @Option(
            names = "--workload",
            defaultValue = "W1",
            description = "W1, W2, W3, W4, W5, W5-hot or W6 (default: ${DEFAULT-VALUE})")
    String workload;

    @Option(names = "--port", defaultValue = "8080", description = "port on 127.0.0.1 (default: ${DEFAULT-VALUE})")
    int port;

    @Mixin
    StoreOptions storeOptions;

    @Override
    public Integer call() throws Exception {
        Workload w = Workload.parse(workload);
        StoreOptions stores = storeOptions.defaultKind(StoreOptions.Kind.ROCKSDB);
        Store store = stores.open(w.label);
        Simulator simulator = Simulator.builder()
                .services(w.services)
                .store(store)
                .acceptDurably(true)
                .build();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 1024);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/call/", exchange -> handle(simulator, exchange));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop(0);
            simulator.close();
            store.close();
            stores.close();
        }));
        server.start();
        System.out.println("mu2sls serve: " + w + " on http://127.0.0.1:"
                + server.getAddress().getPort() + ", " + stores.describe());
        System.out.println("listening on " + server.getAddress().getPort());
        System.out.flush();
        Thread.ofVirtual().start(() -> {
            int recovered = simulator.engine().recover();
            System.err.println("recovery: re-drove " + recovered + " accepted requests");
        });
        new CountDownLatch(1).await();
        return 0;
    }

    private static void handle(Simulator simulator, HttpExchange exchange) throws IOException {
        try (exchange) {
            String[] path = exchange.getRequestURI().getPath().split("/");
            String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
            if (!"POST".equals(exchange.getRequestMethod()) || path.length != 4 || key == null) {
                reply(
                        exchange,
                        400,
                        "{\"error\":\"send POST /call/<Service>/<method> with an Idempotency-Key header and a JSON array body\"}");
                return;
            }
            byte[] body = exchange.getRequestBody().readAllBytes();
            try {
                Response response = simulator.call(new Invocation(key, path[2], path[3], body, 0));
                reply(
                        exchange,
                        200,
                        response.ok()
                                ? "{\"ok\":true,\"value\":" + new String(response.value(), StandardCharsets.UTF_8) + "}"
                                : "{\"ok\":false,\"errorType\":" + quote(response.errorType()) + ",\"errorMessage\":"
                                        + quote(response.errorMessage()) + "}");
            } catch (InvalidRequestException e) {
                reply(exchange, 400, "{\"error\":" + quote(e.getMessage()) + ",\"reason\":\"" + e.reason() + "\"}");
            } catch (RuntimeException e) {
                reply(exchange, 500, "{\"error\":" + quote(e.toString()) + "}");
            }
        }
    }

    private static void reply(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String quote(String text) {
        if (text == null) {
            return "null";
        }
        return "\""
                + text.replace("\\", "\\\\")
                        .replace("\"", "\\\"")
                        .replace("\n", "\\n")
                        .replace("\r", "\\r")
                        .replace("\t", "\\t")
                + "\"";
    }
}
