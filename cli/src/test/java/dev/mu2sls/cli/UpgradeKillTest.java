package dev.mu2sls.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mu2sls.core.Inspector;
import dev.mu2sls.http.FileRoutes;
import dev.mu2sls.json.JsonCodec;
import dev.mu2sls.platform.local.LocalPlatform;
import dev.mu2sls.platform.local.PlatformStore;
import dev.mu2sls.store.postgres.PostgresStore;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15 item 5, code upgrades with requests in flight, on real processes: {@code ./mu2sls up}
 * runs version 1 of an application (a jar compiled here with the annotation processor, as a user
 * builds one) whose requests sleep under durable timers; {@code ./mu2sls upgrade} deploys version
 * 2, which patches the handler in place with {@code Deterministic.version("add-fraud-check", 2)};
 * new requests go to version 2 and sleep too; then every process, {@code up} included, is killed
 * with {@code kill -9}, and {@code up} is started again with version 2. Every request must finish
 * on the version that started it (its answer says which) or be listed by
 * {@code requests list --stuck} with its report; version 1 is retired once none of its requests is
 * left. Clients poll with their keys throughout, so their retries (which the gateway sends to the
 * newest version) are sent back to version 1 too.
 */
@Tag("slow")
class UpgradeKillTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Long enough that no timer comes due before the kill, even with version 2's JVMs starting on a busy machine. */
    private static final int V1_SLEEP_SECONDS = 60;

    private static final int V2_SLEEP_SECONDS = 30;
    private static final List<String> V1_ORDERS = List.of("order-1", "order-2", "order-3");
    private static final List<String> V2_ORDERS = List.of("order-4", "order-5");

    @RegisterExtension
    static final PostgresPerClass postgres = new PostgresPerClass();

    @TempDir
    Path state;

    @TempDir
    Path build;

    @Test
    void requestsInFlightAcrossUpgradeAndKill9_finishOnTheVersionThatStartedThem() throws Exception {
        Path v1 = compile("1", "");
        Path v2 = compile("2", """
                if (Deterministic.version("add-fraud-check", 2) >= 2) {
                    orders.put(order, "checked");
                }
                """);
        try (HttpClient http = HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(2))
                        .build();
                PostgresStore store = PostgresStore.open(
                        postgres.jdbcUrl(), "postgres", "postgres", 1, PlatformStore.table("checkout"))) {
            Inspector inspector = new Inspector(store, new JsonCodec());
            Map<String, String> startedOn = new LinkedHashMap<>();
            Map<String, Integer> sleeps = new LinkedHashMap<>();
            UpProcess first = UpProcess.start(v1.toString(), state, postgres.jdbcUrl(), 1);
            try {
                for (String order : V1_ORDERS) {
                    assertThat(pay(http, first.gateway(), order, V1_SLEEP_SECONDS)
                                    .statusCode())
                            .as("%s sleeps", order)
                            .isEqualTo(202);
                    startedOn.put(order, "v1");
                    sleeps.put(order, V1_SLEEP_SECONDS);
                }
                assertThat(inspector.openRequestsByVersion()).isEqualTo(Map.of("1", V1_ORDERS.size()));

                AdminCommandsTest.Run upgrade =
                        AdminCommandsTest.run("upgrade", v2.toString(), "--state-dir", state.toString());
                assertThat(upgrade.exitCode()).as("%s", upgrade).isZero();
                assertThat(upgrade.out()).contains("checkout version 2 takes new requests");
                JsonNode routes = JSON.readTree(
                        Path.of(LocalPlatform.readState(state, "routes")).toFile());
                assertThat(routes.path("Checkout"))
                        .as("new requests are routed to version 2 once upgrade says so: %s", routes)
                        .isEqualTo(routes.path(FileRoutes.versioned("Checkout", "2")))
                        .isNotEmpty();

                for (String order : V2_ORDERS) {
                    assertThat(pay(http, first.gateway(), order, V2_SLEEP_SECONDS)
                                    .statusCode())
                            .as("%s sleeps", order)
                            .isEqualTo(202);
                    startedOn.put(order, "v2");
                    sleeps.put(order, V2_SLEEP_SECONDS);
                }
                assertThat(inspector.openRequestsByVersion())
                        .as("every request still in flight at the kill (else the test proves nothing)")
                        .isEqualTo(Map.of("1", V1_ORDERS.size(), "2", V2_ORDERS.size()));
                first.kill9All();
            } finally {
                first.close();
            }

            UpProcess second = UpProcess.start(v2.toString(), state, postgres.jdbcUrl(), 2);
            try {
                assertThat(versions())
                        .as("version 1 started again: requests it ran are in flight")
                        .containsExactly("1", "2");
                Map<String, JsonNode> answers = new LinkedHashMap<>();
                for (String order : startedOn.keySet()) {
                    answers.put(order, awaitAnswer(http, second.gateway(), order, sleeps.get(order)));
                }
                Files.writeString(LocalPlatform.passwordFile(state), "postgres\n");
                AdminCommandsTest.Run stuck = AdminCommandsTest.run(
                        "requests", "list", "--stuck", "--older-than", "0", "--json", "--state-dir", state.toString());
                assertThat(stuck.exitCode()).as("%s", stuck).isZero();
                Map<String, String> reports = new LinkedHashMap<>();
                for (JsonNode listed : stuck.json()) {
                    reports.put(
                            listed.path("id").asText(),
                            listed.path("errorMessage").asText());
                }
                for (Map.Entry<String, JsonNode> answer : answers.entrySet()) {
                    String order = answer.getKey();
                    JsonNode body = answer.getValue();
                    if (body.path("ok").asBoolean()) {
                        assertThat(body.path("value").asText())
                                .as("%s, started on %s", order, startedOn.get(order))
                                .isEqualTo(startedOn.get(order) + " paid " + order);
                    } else {
                        assertThat(reports)
                                .as("%s failed (%s): listed as stuck with its report", order, body)
                                .containsKey("Checkout.pay:" + order);
                    }
                }
                awaitVersions(List.of("2"));
                System.out.printf(
                        "upgrade: %d requests of version 1 and %d of version 2 in flight, kill -9, restart: answers %s; "
                                + "stuck %s%n",
                        V1_ORDERS.size(), V2_ORDERS.size(), answers, reports);
            } finally {
                second.close();
            }
        }
    }

    /** {@code Checkout.pay(order, seconds)} with {@code order} as its key: 202 while it sleeps, 200 with the answer. */
    private static HttpResponse<String> pay(HttpClient http, URI gateway, String order, int seconds)
            throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(gateway.resolve("/call/Checkout/pay"))
                        .header("Idempotency-Key", order)
                        .timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.ofString("[\"" + order + "\", " + seconds + "]"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Retries {@code order} with its key and arguments, as a client told 202 or 503 does, until it is answered. */
    private static JsonNode awaitAnswer(HttpClient http, URI gateway, String order, int seconds) throws Exception {
        long deadline =
                System.nanoTime() + Duration.ofSeconds(V1_SLEEP_SECONDS + 90).toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> response = pay(http, gateway, order, seconds);
                if (response.statusCode() == 200) {
                    return JSON.readTree(response.body());
                }
                assertThat(response.statusCode())
                        .as("%s: %s", order, response.body())
                        .isIn(202, 503);
                last = response.statusCode() + " " + response.body();
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(500);
        }
        throw new AssertionError(order + " was never answered; last: " + last);
    }

    /** The versions the running platform's state file lists. */
    private List<String> versions() throws IOException {
        List<String> versions = new ArrayList<>();
        JSON.readTree(LocalPlatform.stateFile(state).toFile()).path("versions").forEach(v -> versions.add(v.asText()));
        return versions;
    }

    /** Waits until the platform runs only {@code expected} (an older version retired once drained). */
    private void awaitVersions(List<String> expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!versions().equals(expected)) {
            assertThat(System.nanoTime())
                    .as("versions %s within 60 s, have %s", expected, versions())
                    .isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    /**
     * The application "checkout" at {@code version}, compiled with the annotation processor and
     * packed as a jar: {@code Checkout.pay} sleeps, runs {@code afterSleep}, and answers with its
     * version.
     */
    private Path compile(String version, String afterSleep) throws IOException {
        String source = """
                package upgrade;

                import dev.mu2sls.Application;
                import dev.mu2sls.Deterministic;
                import dev.mu2sls.PersistentMap;
                import dev.mu2sls.Service;
                import dev.mu2sls.State;
                import java.time.Duration;

                @Application(name = "checkout", version = "%1$s")
                @Service
                public class Checkout {
                    private final PersistentMap<String, String> orders;

                    public Checkout(State state) {
                        orders = state.map("orders", String.class, String.class);
                    }

                    public String pay(String order, long seconds) {
                        orders.put(order, "waiting");
                        Deterministic.sleep(Duration.ofSeconds(seconds));
                        %2$s
                        orders.put(order, "paid");
                        return "v%1$s paid " + order;
                    }
                }
                """.formatted(version, afterSleep);
        Path sources = Files.createDirectories(build.resolve("v" + version + "/src/upgrade"));
        Path classes = Files.createDirectories(build.resolve("v" + version + "/classes"));
        Path file = Files.writeString(sources.resolve("Checkout.java"), source);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter diagnostics = new StringWriter();
        boolean compiled = javac.getTask(
                        diagnostics,
                        null,
                        null,
                        List.of(
                                "-proc:full",
                                "-processor",
                                "dev.mu2sls.processor.ServiceProcessor",
                                "-classpath",
                                System.getProperty("java.class.path"),
                                "-d",
                                classes.toString()),
                        null,
                        javac.getStandardFileManager(null, null, UTF_8).getJavaFileObjects(file))
                .call();
        assertThat(compiled).as("version %s compiles: %s", version, diagnostics).isTrue();
        Path jar = build.resolve("checkout-" + version + ".jar");
        try (OutputStream out = Files.newOutputStream(jar);
                JarOutputStream entries = new JarOutputStream(out);
                Stream<Path> files = Files.walk(classes)) {
            for (Path entry : files.filter(Files::isRegularFile).toList()) {
                entries.putNextEntry(
                        new JarEntry(classes.relativize(entry).toString().replace('\\', '/')));
                entries.write(Files.readAllBytes(entry));
                entries.closeEntry();
            }
        }
        return jar;
    }
}
