package dev.mu2sls.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mu2sls.core.Response;
import dev.mu2sls.simulator.Simulator;
import java.util.SortedMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The social graph: follows in both directions, posts fanned out to the followers of the moment. */
class SocialTest {
    private Simulator simulator;

    @BeforeEach
    void setUp() {
        simulator = Simulator.builder().services(Workloads.SOCIAL).build();
    }

    @AfterEach
    void tearDown() {
        simulator.close();
    }

    private String value(String id, String service, String method, String json) {
        Response response = simulator.call(id, service, method, json);
        assertThat(response.ok())
                .as("%s.%s %s: %s", service, method, json, response)
                .isTrue();
        return new String(response.value(), UTF_8);
    }

    private static String postId(String postJson) {
        int start = postJson.indexOf("\"postId\":\"") + "\"postId\":\"".length();
        return postJson.substring(start, postJson.indexOf('"', start));
    }

    @Test
    void post_fansOutToAuthorAndCurrentFollowers_newestFirst() {
        assertThat(value("f1", "SocialGraph", "follow", "[\"bob\", \"ann\"]")).isEqualTo("true");
        assertThat(value("f2", "SocialGraph", "follow", "[\"cat\", \"ann\"]")).isEqualTo("true");
        assertThat(value("f3", "SocialGraph", "follow", "[\"cat\", \"ann\"]")).isEqualTo("false");
        assertThat(value("q1", "SocialGraph", "followers", "[\"ann\"]")).isEqualTo("[\"bob\",\"cat\"]");
        assertThat(value("q2", "SocialGraph", "following", "[\"cat\"]")).isEqualTo("[\"ann\"]");

        String first = postId(value("p1", "Social", "post", "[\"ann\", \"hello\"]"));
        assertThat(value("u1", "SocialGraph", "unfollow", "[\"cat\", \"ann\"]")).isEqualTo("true");
        assertThat(value("u2", "SocialGraph", "unfollow", "[\"cat\", \"ann\"]")).isEqualTo("false");
        String second = postId(value("p2", "Social", "post", "[\"ann\", \"again\"]"));

        String ann = value("t1", "Social", "timeline", "[\"ann\"]");
        assertThat(ann).contains(first, second);
        assertThat(ann.indexOf(second)).as("newest first").isLessThan(ann.indexOf(first));
        assertThat(value("t2", "Social", "timeline", "[\"bob\"]")).contains(first, second);
        String cat = value("t3", "Social", "timeline", "[\"cat\"]");
        assertThat(cat)
                .as("posted while following")
                .contains(first)
                .as("posted after unfollowing")
                .doesNotContain(second);
        assertThat(value("t4", "Social", "timeline", "[\"dan\"]")).isEqualTo("[]");
        assertThat(value("g1", "PostStorage", "get", "[\"" + second + "\"]")).contains("\"text\":\"again\"");
    }

    @Test
    void badInput_failsWithClearErrorAndChangesNothing() {
        value("f1", "SocialGraph", "follow", "[\"bob\", \"ann\"]");
        SortedMap<String, String> before = simulator.inspector().dumpState();

        Response self = simulator.call("b1", "SocialGraph", "follow", "[\"ann\", \"ann\"]");
        Response blank = simulator.call("b2", "Social", "post", "[\"ann\", \"  \"]");
        Response tooLong = simulator.call("b3", "Social", "post", "[\"ann\", \"" + "x".repeat(281) + "\"]");
        Response badName = simulator.call("b4", "SocialGraph", "follow", "[\"a/b\", \"ann\"]");

        assertThat(self.errorMessage()).isEqualTo("user 'ann' cannot follow themselves");
        assertThat(blank.errorMessage()).startsWith("post text must be non-blank and at most 280 characters");
        assertThat(tooLong.errorMessage()).endsWith("281 characters");
        assertThat(badName.errorMessage()).isEqualTo("user name must be non-blank without '/': 'a/b'");
        assertThat(simulator.inspector().dumpState()).isEqualTo(before);
    }
}
