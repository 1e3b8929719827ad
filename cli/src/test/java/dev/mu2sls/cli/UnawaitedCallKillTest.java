package dev.mu2sls.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mu2sls.core.Inspector;
import dev.mu2sls.json.JsonCodec;
import dev.mu2sls.platform.local.Apps;
import dev.mu2sls.platform.local.PlatformStore;
import dev.mu2sls.simulator.AfterRunCheck;
import dev.mu2sls.store.postgres.PostgresStore;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14 item 1 on real processes: {@code ./mu2sls up shop} on PostgreSQL, where
 * {@code Shop.place} mails through a call it never awaits. With the Mailer's process stopped
 * (SIGSTOP), orders placed through the gateway are recorded but get no answer; then every process
 * of the platform, {@code up} included, is killed with {@code kill -9} and the platform started
 * again on the same state directory and store. Clients retrying with the same Idempotency-Key get
 * their answer, and every order's mail was sent exactly once. (Before the fix the answer came at
 * once, and the mail was lost with the killed processes.)
 *
 * <p>{@code up} runs as a child JVM, as a user starts it, so that it dies with its platform like on
 * a machine that loses power, and the restart finds the state directory that crash left behind.
 */
@Tag("slow")
class UnawaitedCallKillTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ORDERS = 5;
    private static final Duration NO_ANSWER_WAIT = Duration.ofSeconds(2);

    @RegisterExtension
    static final PostgresPerClass postgres = new PostgresPerClass();

    @TempDir
    Path state;

    @Test
    void placeWhileMailerStopped_noAnswerUntilTheMailIsSent_andAfterKill9AndRetry_eachMailSentOnce() throws Exception {
        Apps.App shop = Apps.resolve("shop");
        try (HttpClient http = HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(2))
                        .build();
                PostgresStore store = PostgresStore.open(
                        postgres.jdbcUrl(), "postgres", "postgres", 1, PlatformStore.table(shop.name()))) {
            Inspector inspector = new Inspector(store, new JsonCodec());
            long starting = System.nanoTime();
            UpProcess first = UpProcess.start("shop", state, postgres.jdbcUrl(), 1);
            long started = System.nanoTime();
            try {
                assertThat(place(http, first.gateway(), "order-0"))
                        .as("with the mailer running")
                        .isEqualTo("placed order-0");

                first.signal("STOP", first.instancesOf("Mailer"));
                List<CompletableFuture<HttpResponse<String>>> unanswered = new ArrayList<>();
                for (int i = 1; i <= ORDERS; i++) {
                    unanswered.add(http.sendAsync(
                            placeRequest(first.gateway(), "order-" + i), HttpResponse.BodyHandlers.ofString()));
                }
                awaitOrdersRecorded(inspector);
                Thread.sleep(NO_ANSWER_WAIT.toMillis());
                assertThat(unanswered)
                        .as("answers while the mail of each order is still unsent (stopped Mailer)")
                        .noneMatch(CompletableFuture::isDone);

                first.kill9All();
                for (CompletableFuture<HttpResponse<String>> reply : unanswered) {
                    assertThat(reply).as("a client whose gateway was killed").failsWithin(Duration.ofSeconds(30));
                }
            } finally {
                first.close();
            }

            long killed = System.nanoTime();
            UpProcess second = UpProcess.start("shop", state, postgres.jdbcUrl(), 2);
            long restarted = System.nanoTime();
            try {
                for (int i = 0; i <= ORDERS; i++) {
                    assertThat(place(http, second.gateway(), "order-" + i))
                            .as("the retried order-%d", i)
                            .isEqualTo("placed order-" + i);
                }
                for (int i = 0; i <= ORDERS; i++) {
                    assertThat(call(http, second.gateway(), "Mailer", "sent", "order-" + i, "sent-" + i)
                                    .asLong())
                            .as("mails sent for order-%d", i)
                            .isEqualTo(1);
                }
                Map<String, String> dump = inspector.dumpState();
                for (int i = 0; i <= ORDERS; i++) {
                    assertThat(dump).containsEntry("Shop.orders[\"order-" + i + "\"]", "\"placed\"");
                }
                assertThat(AfterRunCheck.problems(store))
                        .as("left behind after every request completed")
                        .isEmpty();
                System.out.printf(
                        "shop: %d orders held unanswered, kill -9 of every process, each mail sent once; start %d ms, "
                                + "orders until killed %d ms, restart %d ms, retries and checks %d ms%n",
                        ORDERS,
                        millis(starting, started),
                        millis(started, killed),
                        millis(killed, restarted),
                        millis(restarted, System.nanoTime()));
            } finally {
                second.close();
            }
        }
    }

    /** Waits until Shop.place persisted every order: the requests are in the middle of running, not stuck in front of it. */
    private static void awaitOrdersRecorded(Inspector inspector) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            Map<String, String> dump = inspector.dumpState();
            if (IntStream.rangeClosed(1, ORDERS).allMatch(i -> dump.containsKey("Shop.orders[\"order-" + i + "\"]"))) {
                return;
            }
            assertThat(System.nanoTime())
                    .as("orders recorded within 60 s: %s", dump)
                    .isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static long millis(long from, long to) {
        return TimeUnit.NANOSECONDS.toMillis(to - from);
    }

    private static HttpRequest placeRequest(URI gateway, String order) {
        return HttpRequest.newBuilder(gateway.resolve("/call/Shop/place"))
                .header("Idempotency-Key", order)
                .POST(HttpRequest.BodyPublishers.ofString("[\"" + order + "\"]"))
                .build();
    }

    private static String place(HttpClient http, URI gateway, String order) throws Exception {
        return call(http, gateway, "Shop", "place", order, order).asText();
    }

    /** Sends until the gateway answers 200 (it may still be re-driving), with the same key; the answer's value. */
    private static JsonNode call(
            HttpClient http, URI gateway, String service, String method, String argument, String key) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(gateway.resolve("/call/" + service + "/" + method))
                .header("Idempotency-Key", key)
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString("[\"" + argument + "\"]"))
                .build();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    JsonNode body = JSON.readTree(response.body());
                    assertThat(body.path("ok").asBoolean()).as(response.body()).isTrue();
                    return body.get("value");
                }
                assertThat(response.statusCode())
                        .as("%s.%s %s: %s", service, method, key, response.body())
                        .isEqualTo(503);
                last = response.statusCode() + " " + response.body();
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(200);
        }
        throw new AssertionError(service + "." + method + " " + key + " never answered 200 in 60 s; last: " + last);
    }
}
