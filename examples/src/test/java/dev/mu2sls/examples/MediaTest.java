package dev.mu2sls.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mu2sls.core.Response;
import dev.mu2sls.simulator.FaultPlan;
import dev.mu2sls.simulator.Simulator;
import dev.mu2sls.simulator.SpecComparison;
import java.time.Duration;
import java.util.SortedMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** W4 media: a composed review ends up in all three places, and bad input fails clearly and changes nothing. */
class MediaTest {
    private Simulator simulator;

    @BeforeEach
    void setUp() {
        simulator = Simulator.builder().services(Workloads.W4).build();
        for (SpecComparison.Request setup : Workloads.mediaSetup(2, 2)) {
            assertThat(call(setup.id(), setup.service(), setup.method(), setup.jsonArguments())
                            .ok())
                    .isTrue();
        }
    }

    @AfterEach
    void tearDown() {
        simulator.close();
    }

    private Response call(String id, String service, String method, String json) {
        return simulator.call(id, service, method, json);
    }

    private String value(String id, String service, String method, String json) {
        Response response = call(id, service, method, json);
        assertThat(response.ok())
                .as("%s.%s %s: %s", service, method, json, response)
                .isTrue();
        return new String(response.value(), UTF_8);
    }

    @Test
    void compose_validReviews_storedAndListedNewestFirstByUserAndMovie() {
        String first =
                value("c1", "MediaFrontend", "compose", Workloads.args("user0", "password0", "Movie 1", 7, "fine"));
        String second =
                value("c2", "MediaFrontend", "compose", Workloads.args("user0", "password0", "Movie 0", 10, "great"));
        String third =
                value("c3", "MediaFrontend", "compose", Workloads.args("user1", "password1", "Movie 1", 0, "awful"));

        assertThat(value("r1", "ReviewStorage", "get", "[" + first + "]"))
                .contains(
                        "\"reviewId\":" + first,
                        "\"userId\":1",
                        "\"movieId\":\"tt0000001\"",
                        "\"rating\":7",
                        "\"text\":\"fine\"");
        assertThat(value("r2", "UserReview", "reviews", "[1]")).isEqualTo("[" + second + "," + first + "]");
        assertThat(value("r3", "UserReview", "reviews", "[2]")).isEqualTo("[" + third + "]");
        assertThat(value("r4", "MovieReview", "reviews", "[\"tt0000001\"]")).isEqualTo("[" + third + "," + first + "]");
        assertThat(value("r5", "MovieReview", "reviews", "[\"tt0000000\"]")).isEqualTo("[" + second + "]");
        assertThat(simulator.inspector().dumpState().keySet())
                .as("drafts left in ComposeReview")
                .noneMatch(key -> key.startsWith("ComposeReview."));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            wrong password      | MediaFrontend | compose  | ["user0", "password1", "Movie 0", 5, "text"] | login of user 'user0' failed: unknown user or wrong password
            unknown user        | MediaFrontend | compose  | ["nobody", "password0", "Movie 0", 5, "text"] | login of user 'nobody' failed: unknown user or wrong password
            unknown movie       | MediaFrontend | compose  | ["user0", "password0", "Movie 9", 5, "text"]  | unknown movie title 'Movie 9'
            rating below range  | MediaFrontend | compose  | ["user0", "password0", "Movie 0", -1, "text"] | rating must be between 0 and 10: -1
            rating above range  | MediaFrontend | compose  | ["user0", "password0", "Movie 0", 11, "text"] | rating must be between 0 and 10: 11
            blank text          | MediaFrontend | compose  | ["user0", "password0", "Movie 0", 5, " "]     | review text must be non-blank
            username taken      | User          | register | ["user1", "A", "B", "secret"]                 | username 'user1' is already registered
            title taken         | MovieId       | register | ["Movie 0", "tt7777777"]                      | movie title 'Movie 0' is already registered as tt0000000, not tt7777777
            """)
    void badInput_failsWithClearErrorAndChangesNothing(
            String name, String service, String method, String json, String message) throws Exception {
        value("c0", "MediaFrontend", "compose", Workloads.args("user1", "password1", "Movie 1", 4, "before"));
        SortedMap<String, String> before = simulator.inspector().dumpState();

        Response response = call("bad", service, method, json);
        simulator.awaitQuiescence(Duration.ofSeconds(10));

        assertThat(response.ok()).isFalse();
        assertThat(response.errorType()).isEqualTo(IllegalArgumentException.class.getName());
        assertThat(response.errorMessage()).contains(message);
        assertThat(simulator.inspector().dumpState()).isEqualTo(before);
    }

    /** The paper's scale: 100 users and 1000 movies registered, then reviews under every kind of fault. */
    @Test
    void benchScale_underDemoFaults_refinesSpec() {
        SpecComparison.Result result =
                SpecComparison.run(Workloads.W4, FaultPlan.demo(4), Workloads.mediaBench(4, 100));
        result.assertEquivalent();
        assertThat(result.implementationState().keySet().stream()
                        .filter(key -> key.startsWith("ReviewStorage.reviews")))
                .hasSize(100);
        assertThat(result.faults().reExecutions()).isPositive();
    }
}
