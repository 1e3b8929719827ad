package dev.mu2sls.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.mu2sls.platform.local.LocalPlatform;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mu2sls invoke <Service> <method> [json-args]}: one client request to the application
 * {@code mu2sls up} runs, through its gateway, with an idempotency key (given or generated) that
 * makes retrying after a failure safe: it retries for up to a minute while the gateway times out
 * or answers 503, and for 5 s while connections are refused (nothing listens there).
 */
@Command(
        name = "invoke",
        mixinStandardHelpOptions = true,
        description = "Call a service of the application started by ./mu2sls up.")
final class InvokeCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "service")
    String service;

    @Parameters(index = "1", description = "method")
    String method;

    @Parameters(
            index = "2",
            defaultValue = "[]",
            description = "JSON array (or object by parameter name) of arguments (default: [])")
    String arguments;

    @Option(
            names = "--idempotency-key",
            description = "the request's key; the same key returns the same answer (default: a new UUID)")
    String key;

    @Mixin
    UpStateDirectory stateDirectory;

    @Option(names = "--gateway", description = "gateway URL (default: from the state directory)")
    URI gateway;

    @Override
    public Integer call() throws Exception {
        URI base = gateway != null ? gateway : URI.create(LocalPlatform.readState(stateDirectory.path(), "gateway"));
        String requestKey = key != null ? key : UUID.randomUUID().toString();
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/call/" + service + "/" + method))
                .header("Idempotency-Key", requestKey)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(90))
                .POST(HttpRequest.BodyPublishers.ofString(arguments, UTF_8))
                .build();
        long giveUpAt = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        long refusedGiveUpAt = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        try (HttpClient http = HttpClient.newHttpClient()) {
            while (true) {
                try {
                    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() != 503 || System.nanoTime() > giveUpAt) {
                        System.out.println(response.body());
                        return response.statusCode() == 200 && response.body().startsWith("{\"ok\":true") ? 0 : 1;
                    }
                } catch (IOException e) {
                    // refused: nothing listens, or the gateway restarts (a few seconds at most)
                    if (System.nanoTime() > (e instanceof ConnectException ? refusedGiveUpAt : giveUpAt)) {
                        System.err.println("mu2sls invoke: cannot reach the gateway at " + base + ": "
                                + CommandErrors.describe(e));
                        return 2;
                    }
                }
                Thread.sleep(500);
            }
        }
    }
}
