package dev.mu2sls.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real headless Chromium (Debian's {@code chromium}) driven over the DevTools protocol on a
 * loopback WebSocket: navigate, evaluate JavaScript in the page, take a screenshot. A test
 * fixture; one page, one thread at a time.
 */
final class HeadlessChromium implements AutoCloseable {
    /** Overrides where the browser is looked for. */
    static final String EXECUTABLE_ENV = "MU2SLS_CHROMIUM";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final HttpClient http = HttpClient.newHttpClient();
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

    /** The browser's executable: {@value #EXECUTABLE_ENV}, else Debian's {@code /usr/bin/chromium}; empty if there is none. */
    static Optional<Path> executable() {
        String configured = System.getenv(EXECUTABLE_ENV);
        for (String candidate :
                configured != null ? List.of(configured) : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return Optional.of(Path.of(candidate));
            }
        }
        return Optional.empty();
    }

    /** Starts the browser with a fresh profile in {@code profile}, its output logged there. */
    static HeadlessChromium start(Path executable, Path profile) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(
                        executable.toString(),
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-quic",
                        "--no-first-run",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                        "--user-data-dir=" + profile,
                        "--remote-debugging-address=127.0.0.1",
                        "--remote-debugging-port=0",
                        "--window-size=1400,1100",
                        "about:blank")
                .redirectErrorStream(true)
                .redirectOutput(profile.resolve("chromium.log").toFile())
                .start();
        try {
            return new HeadlessChromium(process, devToolsPort(process, profile));
        } catch (IOException | InterruptedException | RuntimeException e) {
            process.destroyForcibly();
            throw e;
        }
    }

    /** The port Chromium chose, from the file it writes into its profile once it listens. */
    private static int devToolsPort(Process process, Path profile) throws IOException, InterruptedException {
        Path portFile = profile.resolve("DevToolsActivePort");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(portFile) || Files.readAllLines(portFile).isEmpty()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "Chromium did not start (exit " + (process.isAlive() ? "none" : process.exitValue())
                                + "); its output: " + Files.readString(profile.resolve("chromium.log")));
            }
            Thread.sleep(50);
        }
        return Integer.parseInt(Files.readAllLines(portFile).getFirst().trim());
    }

    private HeadlessChromium(Process process, int port) throws IOException, InterruptedException {
        this.process = process;
        JsonNode targets = JSON.readTree(http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body());
        String page = null;
        for (JsonNode target : targets) {
            if (target.path("type").asText().equals("page")) {
                page = target.path("webSocketDebuggerUrl").asText();
            }
        }
        if (page == null) {
            throw new IllegalStateException("Chromium has no page to drive: " + targets);
        }
        socket = http.newWebSocketBuilder()
                .buildAsync(URI.create(page), new Replies())
                .join();
    }

    /** Loads {@code url} and waits for its load event. */
    void navigate(String url) {
        command("Page.enable", JSON.createObjectNode());
        command("Page.navigate", JSON.createObjectNode().put("url", url));
        waitFor(
                "document.readyState === 'complete' && location.href === " + JSON.valueToTree(url),
                Duration.ofSeconds(30));
    }

    /** The value of {@code expression} in the page (promises awaited), as JSON. */
    JsonNode evaluate(String expression) {
        JsonNode result = command(
                "Runtime.evaluate",
                JSON.createObjectNode()
                        .put("expression", expression)
                        .put("returnByValue", true)
                        .put("awaitPromise", true));
        if (result.has("exceptionDetails")) {
            throw new IllegalStateException("the page threw on " + expression + ": " + result.get("exceptionDetails"));
        }
        return result.path("result").path("value");
    }

    /** Polls {@code expression} until it is truthy and returns its value; fails after {@code timeout} with the last value. */
    JsonNode waitFor(String expression, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode value = evaluate(expression);
        while (value.isMissingNode()
                || value.isNull()
                || value.isBoolean() && !value.asBoolean()
                || value.isTextual() && value.asText().isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not true within " + timeout + ": " + expression + " (last: " + value + ")");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            value = evaluate(expression);
        }
        return value;
    }

    /** A PNG of the page as it is laid out. */
    byte[] screenshot() {
        JsonNode result = command(
                "Page.captureScreenshot",
                JSON.createObjectNode().put("format", "png").put("captureBeyondViewport", true));
        return Base64.getDecoder().decode(result.path("data").asText());
    }

    private JsonNode command(String method, ObjectNode params) {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        pending.put(id, reply);
        socket.sendText(
                        JSON.createObjectNode()
                                .put("id", id)
                                .put("method", method)
                                .set("params", params)
                                .toString(),
                        true)
                .join();
        JsonNode message =
                reply.orTimeout(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
        if (message.has("error")) {
            throw new IllegalStateException(method + " failed: " + message.get("error"));
        }
        return message.path("result");
    }

    @Override
    public void close() {
        socket.abort();
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        http.close();
    }

    /** Collects each message's frames and completes the command it answers (events are ignored). */
    private final class Replies implements WebSocket.Listener {
        private final StringBuilder frames = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            frames.append(data);
            if (last) {
                try {
                    JsonNode message = JSON.readTree(frames.toString());
                    CompletableFuture<JsonNode> reply =
                            message.has("id") ? pending.remove(message.get("id").asInt()) : null;
                    if (reply != null) {
                        reply.complete(message);
                    }
                } catch (IOException e) {
                    pending.values().forEach(reply -> reply.completeExceptionally(e));
                }
                frames.setLength(0);
            }
            webSocket.request(1);
            return null;
        }
    }
}
