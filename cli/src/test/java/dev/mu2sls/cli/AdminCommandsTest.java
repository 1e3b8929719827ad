package dev.mu2sls.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mu2sls.store.rocksdb.RocksStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16 item 4: the admin commands read a real RocksDB store that real engine runs left
 * ({@link RecordedRequests}), and print what an operator needs in text and JSON.
 */
class AdminCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path directory;

    private static String store;

    record Run(int exitCode, String out, List<String> errors) {
        List<String> lines() {
            return out.lines().toList();
        }

        JsonNode json() throws Exception {
            return JSON.readTree(out);
        }
    }

    @BeforeAll
    static void recordRequests() {
        Path path = directory.resolve("store");
        try (RocksStore rocks = RocksStore.open(path, true)) {
            RecordedRequests.record(rocks);
        }
        store = path.toString();
    }

    static Run run(String... args) {
        PrintStream originalErr = System.err;
        PrintStream originalOut = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            int code = Main.run(args);
            return new Run(
                    code,
                    out.toString(StandardCharsets.UTF_8),
                    err.toString(StandardCharsets.UTF_8).lines().toList());
        } finally {
            System.setErr(originalErr);
            System.setOut(originalOut);
        }
    }

    @Test
    void requestsList_everyStatus_openFirstThenMostRecentlyEnded() {
        Run run = run("requests", "list", "--store-dir", store);

        assertThat(run.exitCode()).isZero();
        assertThat(run.lines().getFirst())
                .startsWith("ID")
                .contains("STATUS", "SERVICE.METHOD", "STARTED", "ENDED", "ELAPSED", "DELIVERIES", "STEPS", "RESPONSE");
        assertThat(run.lines().subList(1, 10))
                .satisfiesExactly(
                        line -> assertThat(line)
                                .startsWith(RecordedRequests.ACCEPTED)
                                .contains("accepted", "Caller1.add"),
                        line -> assertThat(line)
                                .startsWith(RecordedRequests.BOOKING)
                                .contains("running", "Frontend.book")
                                .containsPattern(" 1 "),
                        line -> assertThat(line)
                                .startsWith(RecordedRequests.RUNNING)
                                .contains("running", "Social.post")
                                .containsPattern(" 2 "),
                        line -> assertThat(line)
                                .startsWith(RecordedRequests.QUARANTINED)
                                .contains("quarantined", "the test..."),
                        line -> assertThat(line)
                                .startsWith(RecordedRequests.RETRIED)
                                .contains("completed", "Social.post")
                                .containsPattern(" \\d+(\\.\\d)? m?s +2 +- "),
                        line -> assertThat(line)
                                .startsWith(RecordedRequests.FAILED)
                                .contains("failed", "java.lang.IllegalArgumentException: limit must be positive: 0"),
                        line -> assertThat(line)
                                .startsWith(RecordedRequests.COMPLETED)
                                .contains("completed")
                                .endsWith(" 5"),
                        line -> assertThat(line).startsWith("Flight.open:f").contains("completed"),
                        line -> assertThat(line).startsWith("Hotel.open:h").contains("completed"));
        assertThat(run.lines().getLast()).isEqualTo("9 requests");
    }

    @Test
    void requestsList_callsAndFilters_selectWhatTheyName() {
        assertThat(ids(run("requests", "list", "--status", "failed", "--store-dir", store)))
                .containsExactly(RecordedRequests.QUARANTINED, RecordedRequests.FAILED);
        assertThat(ids(run("requests", "list", "--service", "Social", "--store-dir", store)))
                .as("a request's own record names its service")
                .containsExactly(RecordedRequests.RUNNING, RecordedRequests.RETRIED);
        assertThat(ids(run("requests", "list", "--status", "running", "--store-dir", store)))
                .containsExactly(RecordedRequests.ACCEPTED, RecordedRequests.BOOKING, RecordedRequests.RUNNING);
        assertThat(ids(run("requests", "list", "--status", "completed", "--service", "Caller1", "--store-dir", store)))
                .containsExactly(RecordedRequests.COMPLETED);
        assertThat(ids(run("requests", "list", "--limit", "2", "--status", "completed", "--store-dir", store)))
                .containsExactly(RecordedRequests.RETRIED, RecordedRequests.COMPLETED);
        assertThat(ids(run("requests", "list", "--calls", "--status", "completed", "--store-dir", store)))
                .contains(
                        RecordedRequests.RUNNING + "/2",
                        RecordedRequests.RUNNING + "/3",
                        RecordedRequests.BOOKING + "/1",
                        RecordedRequests.COMPLETED + "/0/0");
    }

    @Test
    void requestsList_json_oneObjectPerRequest() throws Exception {
        JsonNode json = run("requests", "list", "--json", "--status", "failed", "--store-dir", store)
                .json();

        assertThat(json).hasSize(2);
        JsonNode failed = json.get(1);
        assertThat(failed.get("id").asText()).isEqualTo(RecordedRequests.FAILED);
        assertThat(failed.get("status").asText()).isEqualTo("FAILED");
        assertThat(failed.get("service").asText()).isEqualTo("Timeline");
        assertThat(failed.get("errorType").asText()).isEqualTo("java.lang.IllegalArgumentException");
        assertThat(failed.get("endedAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
    }

    @Test
    void requestsList_stuck_openWithoutProgressAndQuarantined() {
        Run run = run("requests", "list", "--status", "stuck", "--older-than", "0.2", "--store-dir", store);

        assertThat(ids(run))
                .containsExactly(
                        RecordedRequests.ACCEPTED,
                        RecordedRequests.BOOKING,
                        RecordedRequests.RUNNING,
                        RecordedRequests.QUARANTINED);
        assertThat(run.errors())
                .as("only the request whose record keeps no time (accepted, nothing persisted) is watched")
                .containsExactly("watching 1 open request whose records keep no time for 0.2 s: "
                        + "a request that makes progress in that time is not stuck");
        assertThat(ids(run("requests", "list", "--stuck", "--older-than", "0.2", "--store-dir", store)))
                .as("--stuck, the issue's spelling")
                .isEqualTo(ids(run));
    }

    /** Issue 16: a running request's record says when it last persisted, so the check need not watch it. */
    @Test
    void requestsList_stuck_runningRequestJudgedByItsLastPersist_withoutWatching() {
        long halfTheAge = RecordedRequests.AGO.toSeconds() / 2;
        Run quietLongEnough = run(
                "requests",
                "list",
                "--stuck",
                "--service",
                "Social",
                "--older-than",
                "" + halfTheAge,
                "--store-dir",
                store);
        assertThat(ids(quietLongEnough))
                .as("it persisted nothing for an hour: stuck")
                .containsExactly(RecordedRequests.RUNNING);
        assertThat(quietLongEnough.errors()).as("nothing watched").isEmpty();

        Run notYet = run(
                "requests",
                "list",
                "--stuck",
                "--service",
                "Social",
                "--older-than",
                "" + 2 * RecordedRequests.AGO.toSeconds(),
                "--store-dir",
                store);
        assertThat(ids(notYet))
                .as("it persisted within the last two hours: not stuck")
                .isEmpty();
        assertThat(notYet.errors()).isEmpty();
    }

    /** Issue 16: when each request started and ended (store clock), how long it ran, and its deliveries. */
    @Test
    void requestsList_json_startEndElapsedAndDeliveries() throws Exception {
        JsonNode json = run("requests", "list", "--json", "--store-dir", store).json();
        JsonNode retried = byId(json, RecordedRequests.RETRIED);
        Instant started = Instant.parse(retried.get("startedAt").asText());
        Instant ended = Instant.parse(retried.get("endedAt").asText());
        assertThat(retried.get("deliveries").asInt())
                .as("the first delivery persisted two steps and crashed, the second completed it")
                .isEqualTo(2);
        assertThat(started).as("started by the first delivery").isBefore(ended);
        assertThat(retried.get("elapsedMillis").asLong())
                .isEqualTo(Duration.between(started, ended).toMillis());
        assertThat(retried.get("lastProgressAt").isNull()).as("ended").isTrue();

        JsonNode running = byId(json, RecordedRequests.RUNNING);
        assertThat(running.get("deliveries").asInt()).isEqualTo(1);
        assertThat(running.get("endedAt").isNull()).isTrue();
        assertThat(Instant.parse(running.get("lastProgressAt").asText()))
                .isAfterOrEqualTo(Instant.parse(running.get("startedAt").asText()));
        assertThat(running.get("elapsedMillis").asLong())
                .as("running since an hour ago on the store's clock")
                .isGreaterThanOrEqualTo(RecordedRequests.AGO.toMillis());

        JsonNode completed = byId(json, RecordedRequests.COMPLETED);
        assertThat(completed.get("deliveries").asInt()).isEqualTo(1);
        assertThat(completed.get("elapsedMillis").asLong()).isNotNegative();

        for (String unstarted : List.of(RecordedRequests.ACCEPTED, RecordedRequests.QUARANTINED)) {
            JsonNode request = byId(json, unstarted);
            assertThat(request.get("startedAt").isNull())
                    .as("%s: no delivery persisted anything of it", unstarted)
                    .isTrue();
            assertThat(request.get("elapsedMillis").isNull()).isTrue();
            assertThat(request.get("deliveries").asInt()).isZero();
        }
    }

    /** Issue 16: a completed request's calls keep service, method, times and deliveries in their records. */
    @Test
    void requestsShow_retried_timesDeliveriesAndItsCallsMethods() {
        Run run = run("requests", "show", RecordedRequests.RETRIED, "--store-dir", store);

        assertThat(run.out())
                .contains(
                        "status    completed",
                        "method    Social.post",
                        "deliveries 2 deliveries persisted part of it",
                        "journal: none kept",
                        "calls: 3");
        assertThat(run.lines()).anyMatch(line -> line.matches("  started   \\d{4}-.*Z"));
        assertThat(run.lines()).anyMatch(line -> line.matches("  ended     \\d{4}-.*Z, took \\d.*"));
        assertThat(run.lines())
                .anySatisfy(line -> assertThat(line)
                        .startsWith("  Social.post:retried/2  completed  PostStorage.store  started ")
                        .contains("  took ", "  1 delivery  "))
                .anySatisfy(line ->
                        assertThat(line).startsWith("  Social.post:retried/3  completed  Timeline.deliver  started "))
                .anySatisfy(line -> assertThat(line)
                        .startsWith("  Social.post:retried/4  completed  SocialGraph.followers  started "));
    }

    @Test
    void requestsShow_running_journalStepsCallsAndArguments() {
        Run run = run("requests", "show", RecordedRequests.RUNNING, "--store-dir", store);

        assertThat(run.exitCode()).isZero();
        assertThat(run.out())
                .contains(
                        "request Social.post:crashed",
                        "status    running, 2 steps recorded",
                        "method    Social.post",
                        "arguments [\"ann\", \"hello\"]",
                        "deliveries 1 delivery persisted part of it",
                        "journal: 2 steps",
                        "calls: 2");
        assertThat(run.lines())
                .anyMatch(line -> line.matches("  running   for 1 h \\d+ min, last persisted \\d{4}-.*Z"));
        assertThat(run.lines()).anyMatch(line -> line.matches("\\s+0\\s+UUID\\s+-\\s+[0-9a-f-]{36}\\s+-"));
        assertThat(run.lines()).anyMatch(line -> line.matches("\\s+1\\s+NOW\\s+-\\s+\\d{4}-.*Z\\s+-"));
        assertThat(run.lines()).anyMatch(line -> line.startsWith("  Social.post:crashed/2  completed"));
        assertThat(run.lines()).anyMatch(line -> line.startsWith("  Social.post:crashed/3  completed"));
    }

    @Test
    void requestsShow_booking_itsCallsAndPendingTransaction() throws Exception {
        JsonNode json = run("requests", "show", RecordedRequests.BOOKING, "--json", "--store-dir", store)
                .json();

        assertThat(json.at("/request/status").asText()).isEqualTo("RUNNING");
        assertThat(json.at("/arguments").asText()).isEqualTo("[\"ann\", \"f\", \"h\"]");
        assertThat(json.at("/calls").findValuesAsText("id"))
                .containsExactly(RecordedRequests.BOOKING + "/1", RecordedRequests.BOOKING + "/2");
        assertThat(json.at("/calls").findValuesAsText("value")).containsExactly("true", "true");
        assertThat(json.at("/transactions/0/id").asText()).isEqualTo(RecordedRequests.BOOKING + "/0");
        assertThat(json.at("/transactions/0/state").asText()).isEqualTo("pending");
    }

    @Test
    void requestsShow_completedChain_responseAndItsCalleesRecord() {
        Run run = run("requests", "show", RecordedRequests.COMPLETED, "--store-dir", store);

        assertThat(run.out())
                .contains(
                        "status    completed", "response  5", "journal: none kept", "Caller1.add:done/0/0  completed");
    }

    @Test
    void transactionsList_pendingBooking_ageParticipantsAndWrites() throws Exception {
        Run text = run("transactions", "list", "--store-dir", store);
        assertThat(text.lines().get(1))
                .startsWith(RecordedRequests.BOOKING + "/0  " + RecordedRequests.BOOKING)
                .contains("Hotel.rooms[\"h\"]", "Flight.seats[\"f\"]");
        assertThat(text.lines().getLast()).startsWith("1 pending transaction");

        JsonNode json =
                run("transactions", "list", "--json", "--store-dir", store).json();
        assertThat(json).hasSize(1);
        assertThat(json.at("/0/participants"))
                .extracting(JsonNode::asText)
                .containsExactly(RecordedRequests.BOOKING + "/1", RecordedRequests.BOOKING + "/2");
        assertThat(json.at("/0/writes"))
                .extracting(JsonNode::asText)
                .containsExactly(
                        "Flight.passengers[\"f#1\"]",
                        "Flight.seats[\"f\"]",
                        "Hotel.guests[\"h#1\"]",
                        "Hotel.rooms[\"h\"]");
        assertThat(json.at("/0/ageMillis").asLong()).isNotNegative();
    }

    @Test
    void stateGet_keyAndWholeMap_committedValuesOnly() {
        assertThat(run("state", "get", "Hotel", "rooms", "h", "--store-dir", store)
                        .out())
                .as("the pending booking's provisional write is not state")
                .isEqualTo("Hotel.rooms[\"h\"] = {\"total\":2,\"booked\":0}\n");
        assertThat(run("state", "get", "Flight", "seats", "--store-dir", store).lines())
                .containsExactly("Flight.seats[\"f\"] = {\"total\":2,\"booked\":0}");
        assertThat(run("state", "get", "Counter", "counts", "k", "--json", "--store-dir", store)
                        .out())
                .isEqualTo("[{\"key\":\"Counter.counts[\\\"k\\\"]\",\"value\":\"5\"}]\n");
    }

    @Test
    void failingAdminCommands_oneClearLine_nonZeroExit() {
        assertOneLine(
                run("requests", "show", "Caller1.add:nosuch", "--store-dir", store),
                "mu2sls requests show: no request 'Caller1.add:nosuch' in the RocksDB store in " + store);
        assertOneLine(
                run("state", "get", "Hotel", "hotels", "--store-dir", store),
                "mu2sls state get: no state Hotel.hotels in");
        assertOneLine(
                run(
                        "requests",
                        "list",
                        "--store-dir",
                        directory.resolve("missing").toString()),
                "mu2sls requests list: --store-dir " + directory.resolve("missing") + " does not exist");
        assertOneLine(
                run("requests", "list", "--store-dir", directory.toString()),
                "mu2sls requests list: --store-dir " + directory
                        + " holds no RocksDB store; it holds the stores [store]");
        assertOneLine(
                run(
                        "transactions",
                        "list",
                        "--state-dir",
                        directory.resolve("nothing-up").toString()),
                "mu2sls transactions list: no application is up from " + directory.resolve("nothing-up"));
        assertOneLine(
                run("requests", "list", "--status", "stuck", "--older-than", "-1", "--store-dir", store),
                "mu2sls requests list: --older-than must not be negative: got -1.0");
        assertOneLine(
                run("requests", "list", "--stuck", "--status", "failed", "--store-dir", store),
                "mu2sls requests list: --stuck is --status stuck: it cannot be combined with --status failed");
    }

    private static void assertOneLine(Run run, String start) {
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.errors()).hasSize(1);
        assertThat(run.errors().getFirst()).startsWith(start);
    }

    private static JsonNode byId(JsonNode requests, String id) {
        for (JsonNode request : requests) {
            if (request.get("id").asText().equals(id)) {
                return request;
            }
        }
        throw new AssertionError("no request " + id + " in " + requests);
    }

    /** The ids of a listing, without header and count. */
    static List<String> ids(Run run) {
        assertThat(run.exitCode()).as(String.join("\n", run.errors())).isZero();
        List<String> lines = run.lines();
        return lines.subList(1, lines.size() - 1).stream()
                .map(line -> line.split(" ")[0])
                .toList();
    }
}
