package dev.mu2sls.cli;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mu2sls.http.FileRoutes;
import dev.mu2sls.platform.local.LocalPlatform;
import dev.mu2sls.platform.local.PlatformMode;
import dev.mu2sls.platform.local.PlatformStore;
import dev.mu2sls.store.KeyValue;
import dev.mu2sls.store.postgres.PostgresStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 19's catalogue: what an attacker or a careless client sends, replayed against a real
 * {@code up} platform (the bank example: gateway, Account and Bank as JVM processes, on the local
 * PostgreSQL that up starts, with its generated password). Each refused input must get its status,
 * a JSON problem body ({@code {"error": ..., "problem": ...}}) and leave the store byte for byte as
 * it was; each accepted one its answer.
 */
@Tag("slow")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AttackCatalogueTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TRANSFER = "/call/Bank/transfer";
    private static final String OPEN = "/call/Account/open";

    private Path state;
    private LocalPlatform platform;
    private PostgresStore store;
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @BeforeAll
    void up() throws Exception {
        state = Files.createTempDirectory("mu2sls-catalogue-");
        platform = LocalPlatform.start(new LocalPlatform.Options(
                "bank",
                PlatformMode.FULL,
                null,
                "postgres",
                "ignored",
                state,
                0,
                1,
                1,
                8,
                null,
                1,
                List.of("-XX:+UseSerialGC", "-Xmx128m", "-XX:TieredStopAtLevel=1"),
                new PrintStream(log, true, UTF_8),
                false,
                Main.class.getName(),
                false));
        store = PostgresStore.open(
                platform.storeUrl(), "postgres", platform.storePassword(), 1, PlatformStore.table("bank"));
        for (String account : List.of("alice", "bob")) {
            assertThat(send(post(OPEN, Map.of(), "[\"" + account + "\", 70]")).status)
                    .isEqualTo(200);
        }
    }

    @AfterAll
    void down() throws IOException {
        if (store != null) {
            store.close();
        }
        if (platform != null) {
            platform.close();
        }
        try (Stream<Path> files = Files.walk(state)) {
            files.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        }
    }

    // ---- the catalogue: refused, nothing changes ---------------------------------------------

    static Stream<Arguments> refused() {
        String bigHeader = "X-Big: " + "b".repeat(20 * 1024);
        return Stream.of(
                // routes and methods
                refused("GET on a method", "GET " + TRANSFER, Map.of(), "", 405, "method-not-allowed", "use POST"),
                refused("PUT on a method", "PUT " + TRANSFER, Map.of(), "[]", 405, "method-not-allowed", "use POST"),
                refused(
                        "DELETE on a method",
                        "DELETE " + TRANSFER,
                        Map.of(),
                        "",
                        405,
                        "method-not-allowed",
                        "use POST"),
                refused(
                        "no method segment",
                        "POST /call/Bank",
                        Map.of(),
                        "[]",
                        404,
                        "unknown-route",
                        "POST /call/<Service>/<method>"),
                refused(
                        "extra segment",
                        "POST /call/Bank/transfer/x",
                        Map.of(),
                        "[]",
                        404,
                        "unknown-route",
                        "no route"),
                refused("root", "POST /", Map.of(), "[]", 404, "unknown-route", "no route"),
                refused("other path", "POST /admin", Map.of(), "[]", 404, "unknown-route", "no route"),
                refused(
                        "unknown service",
                        "POST /call/Nope/x",
                        Map.of(),
                        "[]",
                        404,
                        "unknown-service",
                        "unknown service 'Nope'"),
                refused(
                        "unknown method",
                        "POST /call/Bank/steal",
                        Map.of(),
                        "[]",
                        404,
                        "unknown-method",
                        "no method 'steal'"),
                refused(
                        "item 4: internal withdraw",
                        "POST /call/Account/withdraw",
                        Map.of(),
                        "[\"alice\", -1000]",
                        404,
                        "unknown-method",
                        "no method 'withdraw'"),
                refused(
                        "item 4: internal deposit",
                        "POST /call/Account/deposit",
                        Map.of(),
                        "[\"alice\", 1000]",
                        404,
                        "unknown-method",
                        "no method 'deposit'"),
                refused(
                        "item 11: encoded space in method",
                        "POST /call/Bank/transfer%20x",
                        Map.of(),
                        "[\"alice\",\"bob\",1]",
                        404,
                        "unknown-method",
                        "no method 'transfer%20x'"),
                refused(
                        "item 11: encoded slash in method",
                        "POST /call/Bank/transfer%2Fx",
                        Map.of(),
                        "[\"alice\",\"bob\",1]",
                        400,
                        "bad-request",
                        "Ambiguous URI path separator"),
                refused(
                        "item 11: bad UTF-8 in path",
                        "POST /call/Bank/transfer%C3%28",
                        Map.of(),
                        "[]",
                        400,
                        "bad-request",
                        "UTF-8"),
                refused(
                        "item 11: bad escape in path",
                        "POST /call/Bank/transfer%zz",
                        Map.of(),
                        "[]",
                        400,
                        "bad-request",
                        ""),
                refused("item 11: NUL in path", "POST /call/Bank/trans%00fer", Map.of(), "[]", 400, "bad-request", ""),
                // HTTP the server refuses itself (item 11: JSON, not HTML)
                refused(
                        "item 11: header over 16 KiB",
                        "POST " + TRANSFER,
                        Map.of("X-Big", bigHeader),
                        "[]",
                        431,
                        "request-header-fields-too-large",
                        ""),
                refused(
                        "item 11: bad Content-Length",
                        "POST " + TRANSFER,
                        Map.of("Content-Length", "abc"),
                        null,
                        400,
                        "bad-request",
                        ""),
                refused(
                        "item 11: CR inside a header",
                        "POST " + TRANSFER,
                        Map.of("Idempotency-Key", "a\rb"),
                        "[]",
                        400,
                        "bad-request",
                        ""),
                refused(
                        "body over 1 MiB",
                        "POST " + TRANSFER,
                        Map.of(),
                        "[\"" + "x".repeat(1 << 20) + "\", \"b\", 1]",
                        413,
                        "payload-too-large",
                        "over the limit of 1048576 bytes"),
                // idempotency keys
                refused(
                        "key with a slash",
                        "POST " + TRANSFER,
                        Map.of("Idempotency-Key", "a/b"),
                        "[\"alice\",\"bob\",1]",
                        400,
                        "bad-idempotency-key",
                        "without spaces or '/'"),
                refused(
                        "key with a space",
                        "POST " + TRANSFER,
                        Map.of("Idempotency-Key", "a b"),
                        "[\"alice\",\"bob\",1]",
                        400,
                        "bad-idempotency-key",
                        "without spaces"),
                refused(
                        "key of 201 characters",
                        "POST " + TRANSFER,
                        Map.of("Idempotency-Key", "k".repeat(201)),
                        "[\"alice\",\"bob\",1]",
                        400,
                        "bad-idempotency-key",
                        "1 to 200"),
                refused(
                        "empty key",
                        "POST " + TRANSFER,
                        Map.of("Idempotency-Key", ""),
                        "[\"alice\",\"bob\",1]",
                        400,
                        "bad-idempotency-key",
                        "1 to 200"),
                refused(
                        "non-ASCII key",
                        "POST " + TRANSFER,
                        Map.of("Idempotency-Key", "cl\u00e9"),
                        "[\"alice\",\"bob\",1]",
                        400,
                        "bad-idempotency-key",
                        "printable ASCII"),
                refused(
                        "key with a tab",
                        "POST " + TRANSFER,
                        Map.of("Idempotency-Key", "a\tb"),
                        "[\"alice\",\"bob\",1]",
                        400,
                        "bad-idempotency-key",
                        "printable ASCII"),
                // malformed or wrong arguments (item 10)
                refused(
                        "truncated JSON",
                        "POST " + TRANSFER,
                        Map.of(),
                        "[\"alice\",",
                        400,
                        "malformed-json",
                        "not valid JSON"),
                refused("empty body", "POST " + TRANSFER, Map.of(), "", 400, "malformed-json", "JSON array"),
                refused("a number", "POST " + TRANSFER, Map.of(), "5", 400, "malformed-json", "JSON array"),
                refused("a string", "POST " + TRANSFER, Map.of(), "\"alice\"", 400, "malformed-json", "JSON array"),
                refused(
                        "trailing tokens",
                        "POST " + TRANSFER,
                        Map.of(),
                        "[\"alice\",\"bob\",1] x",
                        400,
                        "malformed-json",
                        "not valid JSON"),
                refused(
                        "invalid UTF-8 in body",
                        "POST " + TRANSFER,
                        Map.of(),
                        "[\"al\u00ffice\",\"bob\",1]",
                        400,
                        "malformed-json",
                        "not valid JSON"),
                refused(
                        "deep nesting",
                        "POST " + TRANSFER,
                        Map.of(),
                        "[".repeat(100_000) + "]".repeat(100_000),
                        400,
                        "malformed-json",
                        "not valid JSON"),
                refused(
                        "too few arguments",
                        "POST " + TRANSFER,
                        Map.of(),
                        "[\"alice\",\"bob\"]",
                        400,
                        "wrong-arity",
                        "takes 3 arguments"),
                refused(
                        "too many arguments",
                        "POST " + TRANSFER,
                        Map.of(),
                        "[\"alice\",\"bob\",1,2]",
                        400,
                        "wrong-arity",
                        "takes 3"),
                refused("no arguments", "POST " + TRANSFER, Map.of(), "[]", 400, "wrong-arity", "takes 3"),
                refused("empty object", "POST " + TRANSFER, Map.of(), "{}", 400, "wrong-arity", "takes 3"),
                refused(
                        "unknown name",
                        "POST " + TRANSFER,
                        Map.of(),
                        "{\"from\":\"alice\",\"to\":\"bob\",\"sum\":1}",
                        400,
                        "bad-argument",
                        "no parameter 'sum'"),
                refused(
                        "item 10: duplicate names",
                        "POST " + TRANSFER,
                        Map.of(),
                        "{\"from\":\"alice\",\"to\":\"bob\",\"amount\":1,\"amount\":1000}",
                        400,
                        "malformed-json",
                        "Duplicate field"),
                refused(
                        "item 10: 1.9 for a long",
                        "POST " + TRANSFER,
                        Map.of(),
                        "[\"alice\",\"bob\",1.9]",
                        400,
                        "bad-argument",
                        "argument 'amount' must be a long"),
                refused(
                        "item 10: 1e2 for a long",
                        "POST " + TRANSFER,
                        Map.of(),
                        "[\"alice\",\"bob\",1e2]",
                        400,
                        "bad-argument",
                        "argument 'amount'"),
                refused(
                        "item 10: a number for a String",
                        "POST " + TRANSFER,
                        Map.of(),
                        "[5,\"bob\",1]",
                        400,
                        "bad-argument",
                        "argument 'from' must be a java.lang.String"),
                refused(
                        "item 10: a boolean for a String",
                        "POST " + TRANSFER,
                        Map.of(),
                        "[true,\"bob\",1]",
                        400,
                        "bad-argument",
                        "argument 'from'"),
                refused(
                        "item 10: null for a String",
                        "POST " + TRANSFER,
                        Map.of(),
                        "[null,\"bob\",1]",
                        400,
                        "bad-argument",
                        "argument 'from' must be a java.lang.String, got null"),
                refused(
                        "item 10: null for a long",
                        "POST " + TRANSFER,
                        Map.of(),
                        "[\"alice\",\"bob\",null]",
                        400,
                        "bad-argument",
                        "argument 'amount' must be a long, got null"),
                refused(
                        "a string for a long",
                        "POST " + TRANSFER,
                        Map.of(),
                        "[\"alice\",\"bob\",\"1\"]",
                        400,
                        "bad-argument",
                        "argument 'amount'"),
                refused(
                        "an array for a String",
                        "POST " + TRANSFER,
                        Map.of(),
                        "[[\"alice\"],\"bob\",1]",
                        400,
                        "bad-argument",
                        "argument 'from'"),
                refused(
                        "an object for a String",
                        "POST " + TRANSFER,
                        Map.of(),
                        "[{\"a\":1},\"bob\",1]",
                        400,
                        "bad-argument",
                        "argument 'from'"),
                refused(
                        "long overflow",
                        "POST " + TRANSFER,
                        Map.of(),
                        "[\"alice\",\"bob\",9223372036854775808]",
                        400,
                        "bad-argument",
                        "argument 'amount'"),
                refused(
                        "huge exponent",
                        "POST " + TRANSFER,
                        Map.of(),
                        "[\"alice\",\"bob\",1e400]",
                        400,
                        "bad-argument",
                        "argument 'amount'"),
                refused(
                        "null for an object argument",
                        "POST " + TRANSFER,
                        Map.of(),
                        "{\"from\":null,\"to\":\"bob\",\"amount\":1}",
                        400,
                        "bad-argument",
                        "got null"),
                refused(
                        "item 10: balance of null",
                        "POST /call/Account/balance",
                        Map.of(),
                        "[null]",
                        400,
                        "bad-argument",
                        "got null"),
                // state limits (item 3)
                refused(
                        "item 3: 3,000-character key",
                        "POST " + OPEN,
                        Map.of("Idempotency-Key", "poison"),
                        "[\"" + "k".repeat(3000) + "\", 1]",
                        400,
                        "state-limit-exceeded",
                        "over the limit of 1024 bytes"),
                refused(
                        "item 3: 1,200-byte multibyte key",
                        "POST " + OPEN,
                        Map.of(),
                        "[\"" + "\u00e9".repeat(600) + "\", 1]",
                        400,
                        "state-limit-exceeded",
                        "over the limit of 1024 bytes"),
                // forged internal calls straight to a function (on loopback)
                refused(
                        "function: no signature",
                        "FUNCTION Account POST /open",
                        Map.of(),
                        "[\"alice\", 1000000]",
                        401,
                        "unsigned",
                        ""),
                refused(
                        "function: forged signature",
                        "FUNCTION Account POST /open",
                        Map.of(
                                "Mu2sls-Request-Id",
                                "forged",
                                "Mu2sls-Timestamp",
                                Long.toString(System.currentTimeMillis()),
                                "Mu2sls-Signature",
                                "00".repeat(32)),
                        "[\"alice\", 1000000]",
                        403,
                        "bad-signature",
                        ""),
                refused(
                        "function: stale timestamp",
                        "FUNCTION Account POST /open",
                        Map.of(
                                "Mu2sls-Request-Id",
                                "stale",
                                "Mu2sls-Timestamp",
                                "1",
                                "Mu2sls-Signature",
                                "00".repeat(32)),
                        "[\"alice\", 1000000]",
                        403,
                        "bad-signature",
                        "does not match"),
                refused(
                        "function: internal method without signature",
                        "FUNCTION Account POST /withdraw",
                        Map.of(),
                        "[\"alice\", -1000]",
                        401,
                        "unsigned",
                        ""),
                refused(
                        "function: unknown route",
                        "FUNCTION Account POST /a/b",
                        Map.of(),
                        "[]",
                        404,
                        "unknown-route",
                        "no route"),
                refused(
                        "function: GET on a method",
                        "FUNCTION Account GET /open",
                        Map.of(),
                        "",
                        405,
                        "method-not-allowed",
                        ""));
    }

    private static Arguments refused(
            String name,
            String request,
            Map<String, String> headers,
            String body,
            int status,
            String problem,
            String message) {
        return Arguments.of(name, request, headers, body, status, problem, message);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void refused_statusProblemAndStoreUnchanged(
            String name,
            String request,
            Map<String, String> headers,
            String body,
            int status,
            String problem,
            String message)
            throws Exception {
        List<String> before = quiescentStore();
        Reply reply = send(parse(request, headers, body));

        assertThat(reply.status).as(name + ": " + reply.body).isEqualTo(status);
        assertThat(reply.headers.get("content-type")).as(name + " content type").startsWith("application/json");
        if (problem != null) {
            JsonNode json = JSON.readTree(reply.body);
            assertThat(json.path("problem").asText())
                    .as(name + ": " + reply.body)
                    .isEqualTo(problem);
            assertThat(json.path("error").asText()).as(name).contains(message);
            assertThat(reply.body).as(name + ": no stack trace or HTML").doesNotContain("\tat ", "<html", "Exception:");
        }
        assertThat(storeContents()).as(name + ": the store, byte for byte").isEqualTo(before);
    }

    // ---- accepted inputs that must behave ------------------------------------------------------

    @Test
    void item1_sameKeyAtAnotherMethod_isAnotherRequest() throws Exception {
        assertThat(send(post(TRANSFER, Map.of("Idempotency-Key", "K1"), "[\"alice\",\"bob\",5]")).body)
                .isEqualTo("{\"ok\":true,\"value\":true}");
        Reply balance = send(post("/call/Account/balance", Map.of("Idempotency-Key", "K1"), "[\"bob\"]"));
        assertThat(balance.body).as("K1 at Account.balance runs balance").matches("\\{\"ok\":true,\"value\":[0-9]+}");
        assertThat(balance.headers.get("idempotency-key")).isEqualTo("K1");
    }

    @Test
    void item1_sameKeyOtherArguments_422NamingTheKey_storeUnchanged() throws Exception {
        Reply first = send(post(TRANSFER, Map.of("Idempotency-Key", "K-victim"), "[\"alice\",\"bob\",1]"));
        assertThat(first.status).as(first.body).isEqualTo(200);
        List<String> before = quiescentStore();

        Reply reused = send(post(TRANSFER, Map.of("Idempotency-Key", "K-victim"), "[\"alice\",\"bob\",50]"));

        assertThat(reused.status).as(reused.body).isEqualTo(422);
        assertThat(reused.headers.get("content-type")).startsWith("application/json");
        JsonNode problem = JSON.readTree(reused.body);
        assertThat(problem.path("problem").asText()).isEqualTo("idempotency-key-reused");
        assertThat(problem.path("error").asText()).contains("K-victim");
        assertThat(storeContents()).as("the store, byte for byte").isEqualTo(before);
        assertThat(send(post(TRANSFER, Map.of("Idempotency-Key", "K-victim"), "[\"alice\",\"bob\",1]")).body)
                .as("the original request again")
                .isEqualTo(first.body);
    }

    @Test
    void duplicateDelivery_answersTheRecordedResponse_storeUnchanged() throws Exception {
        Reply first = send(post(TRANSFER, Map.of("Idempotency-Key", "dup-1"), "[\"bob\",\"alice\",1]"));
        List<String> before = quiescentStore();
        Reply again = send(post(TRANSFER, Map.of("Idempotency-Key", "dup-1"), "[\"bob\",\"alice\",1]"));

        assertThat(again.status).isEqualTo(200);
        assertThat(again.body).isEqualTo(first.body);
        assertThat(storeContents()).isEqualTo(before);
    }

    @Test
    void item3_keyOverTheLimitInsideATransaction_400_noBalanceChanges() throws Exception {
        List<String> before =
                quiescentStore().stream().filter(AttackCatalogueTest::isState).toList();

        Reply reply = send(post(TRANSFER, Map.of(), "[\"alice\",\"" + "k".repeat(2000) + "\",1]"));

        assertThat(reply.status).as(reply.body).isEqualTo(400);
        assertThat(JSON.readTree(reply.body).path("problem").asText()).isEqualTo("state-limit-exceeded");
        // the withdrawal already made in the transaction is aborted: no state key changed (the
        // transaction's own records and the request's journal remain, as for any aborted one)
        assertThat(quiescentStore().stream()
                        .filter(AttackCatalogueTest::isState)
                        .toList())
                .isEqualTo(before);
    }

    /** A row of service state ({@code S service 0 state 0 key}, KeySpace), hex. */
    private static boolean isState(String row) {
        return row.startsWith("53");
    }

    @Test
    void item11_percentEncodedKnownMethod_runsIt() throws Exception {
        assertThat(send(post("/call/Account/%62alance", Map.of(), "[\"alice\"]")).body)
                .matches("\\{\"ok\":true,\"value\":[0-9]+}");
    }

    @Test
    void item3_keyUnderTheLimit_accepted() throws Exception {
        assertThat(send(post(OPEN, Map.of(), "[\"" + "k".repeat(900) + "\", 1]")).body)
                .isEqualTo("{\"ok\":true,\"value\":null}");
    }

    @Test
    void clientInternalHeaders_dropped_requestRunsUnderItsOwnId() throws Exception {
        Reply reply = send(post(
                "/call/Account/balance",
                Map.of("Mu2sls-Request-Id", "victim", "Mu2sls-Accept", "false", "Mu2sls-Transaction", "victim/1"),
                "[\"alice\"]"));
        assertThat(reply.status).isEqualTo(200);
        assertThat(reply.headers.get("idempotency-key")).isNotEqualTo("victim");
    }

    @Test
    void item6_localPostgres_refusesTheOldDefaultPassword() {
        assertThatThrownBy(() -> PostgresStore.open(platform.storeUrl(), "postgres", "postgres", 1, "mu2sls_probe")
                        .close())
                .hasStackTraceContaining("password authentication failed");
    }

    @Test
    void item6_noInstanceCommandLineCarriesAPassword() {
        List<String> commandLines = ProcessHandle.current()
                .descendants()
                .map(p -> p.info().commandLine().orElse(""))
                .toList();
        assertThat(commandLines).as("the platform's processes").isNotEmpty();
        assertThat(commandLines)
                .noneMatch(line -> line.contains("--store-password") || line.contains(platform.storePassword()));
    }

    @Test
    void item5_gatewayAndFunctions_listenOnLoopbackOnly() throws Exception {
        Optional<InetAddress> external = NetworkInterface.networkInterfaces()
                .filter(this::up)
                .flatMap(NetworkInterface::inetAddresses)
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress())
                .findFirst();
        assumeTrue(external.isPresent(), "no non-loopback address on this machine");
        List<Integer> ports = new ArrayList<>(List.of(platform.gateway().getPort()));
        ports.add(function("Account").getPort());
        for (int port : ports) {
            assertThatThrownBy(() -> {
                        try (Socket socket = new Socket()) {
                            socket.connect(new InetSocketAddress(external.get(), port), 2_000);
                        }
                    })
                    .as("port " + port + " from " + external.get())
                    .isInstanceOf(IOException.class);
        }
    }

    @Test
    void item7_secondUpOnTheSameStateDirectory_refused_firstKeepsServing() throws Exception {
        LocalPlatform.Options second = new LocalPlatform.Options(
                "bank",
                PlatformMode.FULL,
                null,
                "postgres",
                "ignored",
                state,
                0,
                1,
                1,
                8,
                null,
                1,
                List.of(),
                new PrintStream(new ByteArrayOutputStream(), true, UTF_8),
                false,
                Main.class.getName(),
                false);
        assertThatThrownBy(() -> LocalPlatform.start(second)).hasMessageContaining("already up");
        assertThat(state.resolve("routes.json")).exists();
        assertThat(send(post("/call/Account/balance", Map.of(), "[\"alice\"]")).status)
                .isEqualTo(200);
    }

    @Test
    void health_isJsonAndCountsRequestsGivenUp() throws Exception {
        Reply health = send(parse("GET /health", Map.of(), null));
        assertThat(health.status).isEqualTo(200);
        assertThat(JSON.readTree(health.body).path("givenUp").asLong(-1)).isZero();
    }

    // ---- plumbing --------------------------------------------------------------------------

    private boolean up(NetworkInterface network) {
        try {
            return network.isUp();
        } catch (IOException e) {
            return false;
        }
    }

    private record Request(URI target, String method, String path, Map<String, String> headers, byte[] body) {}

    private record Reply(int status, Map<String, String> headers, String body) {}

    private Request post(String path, Map<String, String> headers, String body) {
        return new Request(platform.gateway(), "POST", path, headers, body.getBytes(UTF_8));
    }

    /** {@code "GET /path"} to the gateway, or {@code "FUNCTION Service GET /path"} to an instance of a function. */
    private Request parse(String request, Map<String, String> headers, String body) {
        String[] parts = request.split(" ");
        URI target = parts[0].equals("FUNCTION") ? function(parts[1]) : platform.gateway();
        int offset = parts[0].equals("FUNCTION") ? 2 : 0;
        byte[] bytes = body == null ? null : body.getBytes(body.contains("\u00ff") ? ISO_8859_1 : UTF_8);
        return new Request(target, parts[offset], parts[offset + 1], headers, bytes);
    }

    private URI function(String service) {
        return new FileRoutes(state.resolve("routes.json")).instances(service).getFirst();
    }

    /** One request on a fresh connection, written byte for byte (so malformed ones reach the server as they are). */
    private static Reply send(Request request) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(
                    new InetSocketAddress(
                            InetAddress.getLoopbackAddress(), request.target().getPort()),
                    5_000);
            socket.setSoTimeout((int) Duration.ofSeconds(60).toMillis());
            StringBuilder head = new StringBuilder(request.method() + " " + request.path()
                    + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + "Connection: close\r\n");
            request.headers().forEach((name, value) -> head.append(name.equals("X-Big") ? value : name + ": " + value)
                    .append("\r\n"));
            if (request.body() != null && !request.headers().containsKey("Content-Length")) {
                head.append("Content-Length: ").append(request.body().length).append("\r\n");
            }
            head.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(UTF_8));
            try {
                if (request.body() != null) {
                    out.write(request.body());
                }
                out.flush();
            } catch (IOException refusedMidBody) {
                // the server answered and closed before reading it all (413): read the answer
            }
            return read(socket.getInputStream());
        }
    }

    private static Reply read(InputStream in) throws IOException {
        byte[] all = in.readAllBytes();
        String text = new String(all, UTF_8);
        int end = text.indexOf("\r\n\r\n");
        String[] lines = text.substring(0, end).split("\r\n");
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(
                    lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                    lines[i].substring(colon + 1).trim());
        }
        String body = text.substring(end + 4);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            StringBuilder joined = new StringBuilder();
            int at = 0;
            while (true) {
                int lineEnd = body.indexOf("\r\n", at);
                int size = Integer.parseInt(body.substring(at, lineEnd).trim(), 16);
                if (size == 0) {
                    break;
                }
                joined.append(body, lineEnd + 2, lineEnd + 2 + size);
                at = lineEnd + 2 + size + 2;
            }
            body = joined.toString();
        }
        return new Reply(Integer.parseInt(lines[0].split(" ")[1]), headers, body);
    }

    /** Every row of the application's table, hex. */
    private List<String> storeContents() {
        HexFormat hex = HexFormat.of();
        return store.scan(new byte[0], null, Integer.MAX_VALUE).stream()
                .map((KeyValue kv) -> hex.formatHex(kv.key()) + "=" + hex.formatHex(kv.value()))
                .toList();
    }

    /** The store once two reads 300 ms apart agree (what earlier accepted requests left behind has settled). */
    private List<String> quiescentStore() throws InterruptedException {
        List<String> previous = storeContents();
        while (true) {
            Thread.sleep(300);
            List<String> now = storeContents();
            if (now.equals(previous)) {
                return now;
            }
            previous = now;
        }
    }
}
