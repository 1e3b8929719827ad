package dev.mu2sls.http;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mu2sls.core.Inspector;
import dev.mu2sls.core.Inspector.Request;
import dev.mu2sls.observability.Telemetry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Predicate;

/**
 * The web console the gateway serves at {@code /console}: a page (static files packed in the jar)
 * that polls read-only JSON under {@code /console/api/}: {@code metrics} (the gateway's request
 * count and latency histogram, and the engine counters summed over the gateway and every function
 * instance's {@code /metrics}), {@code requests/all|open|failed} (the 100 most relevant, from the
 * {@link Inspector}), {@code request/<id as base64url>} (one request's journal, calls and
 * transactions) and {@code transactions} (pending ones).
 *
 * <h2>Exposure</h2>
 * It shows stored arguments, responses and state, so it answers only where {@link #exposure} says:
 * on a gateway listening on loopback, to requests whose {@code Host} is a loopback name (a page on
 * another site that rebinds its DNS name to 127.0.0.1 gets 403); on a gateway open to other
 * machines, only when {@value #CONSOLE_ENV}{@code =on} says so. It only reads: every route is a GET.
 */
public final class Console {
    /** {@code on} serves the console on a gateway open to other machines; {@code off} serves it nowhere. */
    public static final String CONSOLE_ENV = "MU2SLS_CONSOLE";

    private static final String PREFIX = "/console";
    private static final int LISTED = 100;
    private static final int MAX_ID_LENGTH = 2_048;
    private static final Executor OFF_THE_SELECTOR =
            task -> Thread.ofVirtual().name("mu2sls-console").start(task);
    private static final Map<String, String> PAGE_HEADERS = Map.of(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
            "X-Content-Type-Options",
            "nosniff",
            "Referrer-Policy",
            "no-referrer",
            "Cache-Control",
            "no-store");

    /** Who may see the console. */
    public enum Exposure {
        /** Not served: {@code /console} is an unknown route. */
        OFF,
        /** Served to requests addressed to a loopback name. */
        LOOPBACK,
        /** Served to anyone who reaches the gateway (asked for with {@value #CONSOLE_ENV}{@code =on}). */
        OPEN
    }

    private final Inspector inspector;
    private final Telemetry telemetry;
    private final Routes routes;
    private final Exposure exposure;
    private final HttpClient scraper =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final Map<String, HttpReply> files;

    /**
     * @param inspector reads the application's store
     * @param telemetry the gateway's meters
     * @param routes the function instances whose {@code /metrics} are summed
     * @param exposure who may see it; {@link Exposure#OFF} makes every route unknown
     */
    public Console(Inspector inspector, Telemetry telemetry, Routes routes, Exposure exposure) {
        this.inspector = Objects.requireNonNull(inspector, "inspector");
        this.telemetry = Objects.requireNonNull(telemetry, "telemetry");
        this.routes = Objects.requireNonNull(routes, "routes");
        this.exposure = Objects.requireNonNull(exposure, "exposure");
        this.files = Map.of(
                PREFIX,
                file("index.html", "text/html; charset=utf-8"),
                PREFIX + "/",
                file("index.html", "text/html; charset=utf-8"),
                PREFIX + "/console.js",
                file("console.js", "text/javascript; charset=utf-8"),
                PREFIX + "/console.css",
                file("console.css", "text/css; charset=utf-8"));
    }

    /**
     * Who may see the console of a gateway listening on {@code host}, as {@value #CONSOLE_ENV} in
     * {@code environment} asks: {@code off} hides it; on loopback it is served to loopback names;
     * on any other address only with {@code on}.
     */
    public static Exposure exposure(Map<String, String> environment, String host) {
        String setting = environment.getOrDefault(CONSOLE_ENV, "");
        if (setting.equals("off")) {
            return Exposure.OFF;
        }
        if (host.equals("127.0.0.1") || host.equals("localhost") || host.equals("::1")) {
            return Exposure.LOOPBACK;
        }
        return setting.equals("on") ? Exposure.OPEN : Exposure.OFF;
    }

    /** Whether {@code path} is the console's (and the console is served at all). */
    boolean serves(String path) {
        return exposure != Exposure.OFF && (path.equals(PREFIX) || path.startsWith(PREFIX + "/"));
    }

    /** Answers a console request on a virtual thread: reading the store blocks, the gateway's selector thread must not. */
    CompletableFuture<HttpReply> answer(HttpCall call) {
        return CompletableFuture.supplyAsync(() -> answerNow(call), OFF_THE_SELECTOR);
    }

    private HttpReply answerNow(HttpCall call) {
        if (exposure == Exposure.LOOPBACK && !loopbackHost(call.header("Host"))) {
            return Replies.error(
                    403,
                    "console-loopback-only",
                    "the console answers requests to 127.0.0.1, localhost or [::1] only; " + "set " + CONSOLE_ENV
                            + "=on on an open gateway to serve it to other names");
        }
        if (!call.method().equals("GET")) {
            return Replies.error(405, "method-not-allowed", "the console only reads: use GET")
                    .withHeader("Allow", "GET");
        }
        HttpReply file = files.get(call.path());
        if (file != null) {
            return file;
        }
        String[] segments = call.path().substring(PREFIX.length()).split("/", -1); // "", "api", kind, ...
        if (segments.length < 3 || !segments[1].equals("api")) {
            return Replies.error(404, "unknown-route", "no console route " + FunctionHandler.abbreviate(call.path()));
        }
        try {
            return switch (segments[2]) {
                case "metrics" -> json(metrics().toString());
                case "transactions" -> json(InspectionJson.write(inspector.pendingTransactions(LISTED)));
                case "requests" -> segments.length == 4 ? requests(segments[3]) : unknown(call);
                case "request" -> segments.length == 4 ? request(segments[3]) : unknown(call);
                default -> unknown(call);
            };
        } catch (RuntimeException e) {
            return Replies.error(503, "store-unreadable", "the console could not read the store: " + e.getMessage());
        }
    }

    private HttpReply requests(String list) {
        Predicate<Request> filter =
                switch (list) {
                    case "all" -> r -> true;
                    case "open" -> r -> r.status().isOpen();
                    case "failed" -> r -> r.status().isFailure();
                    default -> null;
                };
        if (filter == null) {
            return Replies.error(
                    404,
                    "unknown-list",
                    "no request list '" + FunctionHandler.abbreviate(list) + "'; use all, open or failed");
        }
        return json(InspectionJson.write(inspector.requests(filter, false, LISTED)));
    }

    private HttpReply request(String encodedId) {
        String id;
        try {
            id = new String(Base64.getUrlDecoder().decode(encodedId), UTF_8);
        } catch (IllegalArgumentException e) {
            return Replies.error(400, "bad-request-id", "a request id is given in base64url: " + e.getMessage());
        }
        if (id.isEmpty() || id.length() > MAX_ID_LENGTH) {
            return Replies.error(
                    400,
                    "bad-request-id",
                    "a request id has 1 to " + MAX_ID_LENGTH + " characters: got " + id.length());
        }
        return inspector
                .request(id)
                .map(detail -> json(InspectionJson.write(detail)))
                .orElseGet(() -> Replies.error(
                        404,
                        "unknown-request",
                        "no request '" + FunctionHandler.abbreviate(id)
                                + "' is recorded (never sent, or its response expired)"));
    }

    /**
     * The gateway's client requests (count, latency sum and histogram) and the engine's recovery
     * work summed over every process: the page turns successive samples into rates.
     */
    private ObjectNode metrics() {
        PrometheusTotals gateway = new PrometheusTotals();
        gateway.add(telemetry.scrape());
        PrometheusTotals engines = new PrometheusTotals();
        engines.add(telemetry.scrape());
        int scraped = 1;
        int unreachable = 0;
        for (URI instance : instances()) {
            try {
                HttpResponse<String> response = scraper.send(
                        HttpRequest.newBuilder(instance.resolve("/metrics"))
                                .timeout(Duration.ofSeconds(2))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    engines.add(response.body());
                    scraped++;
                } else {
                    unreachable++;
                }
            } catch (IOException e) {
                unreachable++;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        ObjectNode node = Replies.JSON
                .createObjectNode()
                .put("atMillis", System.currentTimeMillis())
                .put("metricsOn", telemetry.metricsOn())
                .put("processes", scraped)
                .put("unreachable", unreachable);
        ObjectNode requests = node.putObject("gateway")
                .put("requests", gateway.total("mu2sls_gateway_requests_total"))
                .put("durationSeconds", gateway.total("mu2sls_gateway_request_duration_seconds_sum"));
        ArrayNode buckets = requests.putArray("buckets");
        gateway.buckets("mu2sls_gateway_request_duration_seconds").forEach((le, count) -> buckets.addArray()
                .add(le.isInfinite() ? "+Inf" : le.toString())
                .add(count));
        ObjectNode counters = node.putObject("engine");
        for (String name : List.of(
                "reexecutions",
                "replays",
                "fenced",
                "quarantined",
                "deduplicated",
                "tx_commits",
                "tx_conflicts",
                "tx_aborts",
                "tx_expired")) {
            counters.put(name, engines.total("mu2sls_" + name + "_total"));
        }
        counters.put("running_requests", engines.total("mu2sls_running_requests"));
        return node;
    }

    /** Every function process once: co-located services share one ({@code http://host:port/Service}). */
    private Collection<URI> instances() {
        Set<URI> processes = new LinkedHashSet<>();
        for (String service : routes.services()) {
            for (URI instance : routes.instances(service)) {
                processes.add(instance.resolve("/"));
            }
        }
        return processes;
    }

    private static HttpReply unknown(HttpCall call) {
        return Replies.error(404, "unknown-route", "no console route " + FunctionHandler.abbreviate(call.path()));
    }

    private static HttpReply json(String body) {
        return new HttpReply(200, Map.of("Cache-Control", "no-store"), body.getBytes(UTF_8));
    }

    /** Whether a {@code Host} header names this machine's loopback: what a page of another site cannot send. */
    private static boolean loopbackHost(String host) {
        if (host == null) {
            return false;
        }
        String name = host.startsWith("[") ? host.substring(0, host.indexOf(']') + 1) : host.replaceFirst(":\\d+$", "");
        return name.equals("127.0.0.1") || name.equals("localhost") || name.equals("[::1]");
    }

    private static HttpReply file(String name, String contentType) {
        try (InputStream in = Console.class.getResourceAsStream("console/" + name)) {
            if (in == null) {
                throw new IllegalStateException("the console's " + name + " is missing from the jar");
            }
            HttpReply reply = new HttpReply(200, PAGE_HEADERS, in.readAllBytes());
            return reply.withHeader("Content-Type", contentType);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the console's " + name, e);
        }
    }
}
