package dev.mu2sls.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mu2sls.InvalidRequestException;
import dev.mu2sls.InvalidRequestException.Reason;
import dev.mu2sls.core.Invocation;
import dev.mu2sls.simulator.Simulator;
import dev.mu2sls.store.KeyValue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** G6: each kind of bad input gets a precise error, and the store is byte-for-byte unchanged. */
class BadInputTest {
    private Simulator simulator;
    private List<String> before;

    @BeforeEach
    void setUp() throws Exception {
        List<dev.mu2sls.spi.ServiceDefinition> services = new ArrayList<>(Workloads.W1);
        services.addAll(Workloads.MIXED);
        simulator = Simulator.builder().services(services).build();
        simulator.call("seed-1", "Counter", "add", "[\"k\", 3]");
        simulator.call("seed-2", "Orchestrator", "process", "[\"u\", [1, 2]]");
        simulator.awaitQuiescence(Duration.ofSeconds(10)); // the loser of DurableFuture.any may still run
        before = storeContents();
    }

    @AfterEach
    void tearDown() {
        simulator.close();
    }

    private List<String> storeContents() {
        HexFormat hex = HexFormat.of();
        return simulator.store().scan(new byte[0], null, Integer.MAX_VALUE).stream()
                .map((KeyValue kv) -> hex.formatHex(kv.key()) + "=" + hex.formatHex(kv.value()))
                .toList();
    }

    static Stream<Arguments> badRequests() {
        String huge = "[\"" + "x".repeat((1 << 20) + 1) + "\", 1]";
        return Stream.of(
                Arguments.of("r1", "Nope", "add", "[\"k\", 1]", Reason.UNKNOWN_SERVICE, null, "unknown service 'Nope'"),
                Arguments.of(
                        "r2",
                        "Counter",
                        "nope",
                        "[\"k\", 1]",
                        Reason.UNKNOWN_METHOD,
                        null,
                        "Counter has no method 'nope'"),
                Arguments.of("r3", "Counter", "add", "[\"k\"]", Reason.WRONG_ARITY, null, "takes 2 arguments"),
                Arguments.of("r4", "Counter", "add", "[\"k\", 1, 2]", Reason.WRONG_ARITY, null, "got 3"),
                Arguments.of(
                        "r5",
                        "Counter",
                        "add",
                        "[\"k\", \"five\"]",
                        Reason.BAD_ARGUMENT,
                        "delta",
                        "argument 'delta' must be a long"),
                Arguments.of("r6", "Counter", "add", "[\"k\", null]", Reason.BAD_ARGUMENT, "delta", "got null"),
                Arguments.of("r7", "Counter", "add", "[\"k\", ", Reason.MALFORMED_JSON, null, "not valid JSON"),
                Arguments.of("r8", "Counter", "add", "42", Reason.MALFORMED_JSON, null, "must be a JSON array"),
                Arguments.of(
                        "r9",
                        "Counter",
                        "add",
                        "{\"key\": \"k\", \"amount\": 1}",
                        Reason.BAD_ARGUMENT,
                        "amount",
                        "no parameter 'amount'"),
                Arguments.of(
                        "r10",
                        "Orchestrator",
                        "process",
                        "[\"u\", [\"a\"]]",
                        Reason.BAD_ARGUMENT,
                        "amounts",
                        "java.util.List<java.lang.Long>"),
                Arguments.of(
                        "r11",
                        "Counter",
                        "add",
                        huge,
                        Reason.PAYLOAD_TOO_LARGE,
                        null,
                        "over the limit of 1048576 bytes"),
                Arguments.of("", "Counter", "add", "[\"k\", 1]", Reason.BAD_REQUEST_ID, null, "request id must be"));
    }

    @ParameterizedTest(name = "{4}: {1}.{2} {3}")
    @MethodSource("badRequests")
    void badRequest_isRejectedPreciselyAndChangesNothing(
            String id, String service, String method, String json, Reason reason, String argument, String message) {
        Invocation invocation = new Invocation(id, service, method, json.getBytes(UTF_8), 0);
        assertThatThrownBy(() -> simulator.call(invocation))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.reason()).isEqualTo(reason);
                    assertThat(e.argument()).isEqualTo(argument);
                    assertThat(e.getMessage()).contains(message);
                });
        assertThat(storeContents()).isEqualTo(before);
    }
}
