package dev.mu2sls.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mu2sls.core.Limits;
import dev.mu2sls.examples.bank.AccountDispatcher;
import dev.mu2sls.examples.bank.BankDispatcher;
import dev.mu2sls.examples.counter.CounterDispatcher;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 19 at the gateway: internal methods are refused as if absent, idempotency keys are scoped
 * to service and method, the method is matched after percent-decoding, and request ids and state
 * keys over the stores' limits are refused before anything is written.
 */
class GatewayHardeningTest {
    private LocalFunctions app;

    @BeforeEach
    void start() {
        app = new LocalFunctions(List.of(new CounterDispatcher(), new AccountDispatcher(), new BankDispatcher()));
        assertThat(app.client("Account", "open", "[\"alice\", 70]", Map.of()).statusCode())
                .isEqualTo(200);
        assertThat(app.client("Account", "open", "[\"bob\", 0]", Map.of()).statusCode())
                .isEqualTo(200);
    }

    @AfterEach
    void stop() {
        app.close();
    }

    @Test
    void internalMethod_issue19item4_404LikeAMissingOne_balanceUnchanged() {
        List<String> before = app.storeContents();
        HttpResponse<String> internal = app.client("Account", "withdraw", "[\"alice\", -1000]", Map.of());
        HttpResponse<String> missing = app.client("Account", "steal", "[\"alice\", -1000]", Map.of());

        assertProblem(internal, 404, "unknown-method", "service Account has no method 'withdraw'");
        assertThat(LocalFunctions.json(internal).get("error").asText())
                .doesNotContain("withdraw,")
                .doesNotContain("deposit");
        assertThat(LocalFunctions.json(missing).get("error").asText())
                .isEqualTo(LocalFunctions.json(internal).get("error").asText().replace("withdraw", "steal"));
        assertThat(app.storeContents()).isEqualTo(before);
        assertThat(app.client("Account", "balance", "[\"alice\"]", Map.of()).body())
                .isEqualTo("{\"ok\":true,\"value\":70}");
    }

    @Test
    void internalMethod_calledByAnotherService_runs() {
        assertThat(app.client("Bank", "transfer", "[\"alice\", \"bob\", 20]", Map.of())
                        .body())
                .isEqualTo("{\"ok\":true,\"value\":true}");
        assertThat(app.client("Account", "balance", "[\"bob\"]", Map.of()).body())
                .isEqualTo("{\"ok\":true,\"value\":20}");
    }

    @Test
    void sameKeyAtAnotherMethod_issue19item1_isAnotherRequest() {
        Map<String, String> key = Map.of("Idempotency-Key", "K1");
        assertThat(app.client("Bank", "transfer", "[\"alice\", \"bob\", 20]", key)
                        .body())
                .isEqualTo("{\"ok\":true,\"value\":true}");
        HttpResponse<String> balance = app.client("Account", "balance", "[\"alice\"]", key);

        assertThat(balance.body())
                .as("K1 at Account.balance is not the transfer")
                .isEqualTo("{\"ok\":true,\"value\":50}");
        assertThat(balance.headers().firstValue("Idempotency-Key")).contains("K1");
        assertThat(app.client("Bank", "transfer", "[\"alice\", \"bob\", 20]", key)
                        .body())
                .as("a retry of the transfer")
                .isEqualTo("{\"ok\":true,\"value\":true}");
        assertThat(app.client("Account", "balance", "[\"bob\"]", Map.of()).body())
                .isEqualTo("{\"ok\":true,\"value\":20}");
    }

    @Test
    void sameKeyOtherArguments_issue19item1_422NamingTheKey_nothingChanges() {
        Map<String, String> key = Map.of("Idempotency-Key", "K2");
        assertThat(app.client("Counter", "add", "[\"a\", 5]", key).body()).isEqualTo("{\"ok\":true,\"value\":5}");
        List<String> before = app.storeContents();

        HttpResponse<String> reused = app.client("Counter", "add", "[\"b\", 100]", key);

        assertProblem(reused, 422, "idempotency-key-reused", "K2");
        assertThat(app.storeContents()).isEqualTo(before);
    }

    @Test
    void percentEncodedMethod_issue19item11_decodedBeforeMatching() {
        assertProblem(
                app.post(app.gateway.resolve("/call/Counter/add%20x"), "[\"k\", 1]".getBytes(UTF_8), Map.of()),
                404,
                "unknown-method",
                "no method 'add%20x'");
        assertProblem(
                app.post(app.gateway.resolve("/call/Counter/add%C3%28"), "[\"k\", 1]".getBytes(UTF_8), Map.of()),
                400,
                "bad-request",
                "Bad UTF-8"); // Jetty's own refusal, in the problem shape
        assertThat(app.post(app.gateway.resolve("/call/Counter/%61dd"), "[\"k\", 1]".getBytes(UTF_8), Map.of())
                        .body())
                .isEqualTo("{\"ok\":true,\"value\":1}");
    }

    @Test
    void stateKeyOverTheLimit_issue19item3_400WithTheLimit_nothingRecorded() {
        List<String> before = app.storeContents();
        String key = "k".repeat(3000);

        HttpResponse<String> reply =
                app.client("Counter", "add", "[\"" + key + "\", 1]", Map.of("Idempotency-Key", "long-key"));

        assertProblem(reply, 400, "state-limit-exceeded", "over the limit of " + Limits.MAX_STATE_KEY_BYTES + " bytes");
        assertThat(app.storeContents()).isEqualTo(before);
        assertThat(app.client("Counter", "add", "[\"" + "k".repeat(900) + "\", 1]", Map.of())
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void keyMakingARequestIdOverTheLimit_400() {
        String key = "k".repeat(GatewayHandler.MAX_IDEMPOTENCY_KEY_LENGTH);
        assertThat(GatewayHandler.requestId("Counter", "add", key).length())
                .isLessThanOrEqualTo(Limits.MAX_CLIENT_REQUEST_ID_LENGTH);
        assertThat(app.client("Counter", "add", "[\"k\", 1]", Map.of("Idempotency-Key", key))
                        .statusCode())
                .isEqualTo(200);
        assertProblem(
                app.client("Counter", "add", "[\"k\", 1]", Map.of("Idempotency-Key", key + "k")),
                400,
                "bad-idempotency-key",
                "1 to 200 printable ASCII characters");
    }

    private static void assertProblem(HttpResponse<String> reply, int status, String problem, String message) {
        assertThat(reply.statusCode()).as(reply.body()).isEqualTo(status);
        assertThat(reply.headers().firstValue("Content-Type")).contains("application/json");
        JsonNode body = LocalFunctions.json(reply);
        assertThat(body.get("problem").asText()).isEqualTo(problem);
        assertThat(body.get("error").asText()).contains(message);
    }
}
