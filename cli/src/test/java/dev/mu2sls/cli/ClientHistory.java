package dev.mu2sls.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mu2sls.core.Response;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Closed-loop HTTP clients against a gateway that record the history a checker needs: for every
 * client request its idempotency key, the request, the real-time interval from its first send to
 * its acknowledgement, and the acknowledged response. A client retries an unacknowledged request
 * (connection failure, 503) with the same {@code Idempotency-Key} until it is acknowledged, as
 * DESIGN §4 expects of clients. The history is a plain list of {@link LoadRunner.Completed}, the
 * shape {@link CounterHistoryCheck} and {@link InvariantChecks} take, so that a general history
 * checker can be given the same list.
 */
final class ClientHistory implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    final ConcurrentLinkedQueue<LoadRunner.Completed> completed = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<String> rejections = new ConcurrentLinkedQueue<>();
    final AtomicLong retries = new AtomicLong();
    private final URI gateway;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    ClientHistory(URI gateway) {
        this.gateway = gateway;
    }

    /** Stops the HTTP client's threads. */
    @Override
    public void close() {
        http.close();
    }

    List<LoadRunner.Completed> history() {
        return new ArrayList<>(completed);
    }

    /** Sends {@code request} with key {@code id} until acknowledged; records and returns the response. */
    Response call(String id, Workload.Request request) throws InterruptedException {
        HttpRequest http = HttpRequest.newBuilder(
                        gateway.resolve("/call/" + request.service() + "/" + request.method()))
                .header("Idempotency-Key", id)
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(request.json(), UTF_8))
                .build();
        long start = System.nanoTime();
        while (true) {
            try {
                HttpResponse<byte[]> reply = this.http.send(http, HttpResponse.BodyHandlers.ofByteArray());
                if (reply.statusCode() == 200) {
                    Response response = parse(reply.body());
                    completed.add(new LoadRunner.Completed(id, request, start, System.nanoTime(), response));
                    return response;
                }
                if (reply.statusCode() != 503) {
                    rejections.add(
                            id + " " + request + " -> " + reply.statusCode() + " " + new String(reply.body(), UTF_8));
                    return null;
                }
            } catch (IOException e) {
                // the gateway is unreachable or the connection broke: unacknowledged, retry with the same key
            }
            retries.incrementAndGet();
            Thread.sleep(50);
        }
    }

    /** Runs {@code clients} closed-loop clients drawing requests from {@code workload} until {@code stop} is set. */
    List<Thread> start(
            int clients, AtomicBoolean stop, String prefix, Function<SplittableRandom, Workload.Request> workload) {
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            threads.add(Thread.ofVirtual().name("client-" + c).start(() -> {
                SplittableRandom random = new SplittableRandom(client * 7919L + 1);
                try {
                    for (int i = 0; !stop.get(); i++) {
                        call(prefix + "-c" + client + "-" + i, workload.apply(random));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        return threads;
    }

    static Response parse(byte[] body) {
        try {
            JsonNode node = JSON.readTree(body);
            if (node.path("ok").asBoolean()) {
                return Response.success(JSON.writeValueAsBytes(node.get("value")));
            }
            return Response.failure(
                    node.path("errorType").asText(), node.path("errorMessage").asText(null));
        } catch (IOException e) {
            throw new IllegalStateException("not a response: " + new String(body, UTF_8), e);
        }
    }
}
