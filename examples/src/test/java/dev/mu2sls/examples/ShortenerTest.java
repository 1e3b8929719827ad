package dev.mu2sls.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mu2sls.core.Response;
import dev.mu2sls.simulator.Simulator;
import java.util.SortedMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The URL shortener: codes, aliases, visit counts, and clear errors that change nothing. */
class ShortenerTest {
    private Simulator simulator;

    @BeforeEach
    void setUp() {
        simulator = Simulator.builder().services(Workloads.SHORTENER).build();
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

    @Test
    void shortenAndResolve_sameUrlSameCode_visitsCounted() {
        assertThat(value("s1", "Shortener", "shorten", "[\"https://example.com/a\"]"))
                .isEqualTo("\"1\"");
        assertThat(value("s2", "Shortener", "shorten", "[\"https://example.com/b\"]"))
                .isEqualTo("\"2\"");
        assertThat(value("s3", "Shortener", "shorten", "[\"https://example.com/a\"]"))
                .isEqualTo("\"1\"");
        assertThat(value("r1", "Shortener", "resolve", "[\"1\"]")).isEqualTo("\"https://example.com/a\"");
        assertThat(value("r2", "Shortener", "resolve", "[\"1\"]")).isEqualTo("\"https://example.com/a\"");
        assertThat(value("v1", "Analytics", "visits", "[\"1\"]")).isEqualTo("2");
        assertThat(value("v2", "Analytics", "visits", "[\"2\"]")).isEqualTo("0");
    }

    @Test
    void alias_equalToNextGeneratedCode_generatorSkipsIt() {
        assertThat(value("a1", "Shortener", "alias", "[\"https://example.com/docs\", \"1\"]"))
                .isEqualTo("\"1\"");
        assertThat(value("s1", "Shortener", "shorten", "[\"https://example.com/a\"]"))
                .isEqualTo("\"2\"");
        assertThat(value("r1", "Shortener", "resolve", "[\"1\"]")).isEqualTo("\"https://example.com/docs\"");
        assertThat(value("l1", "Shortener", "link", "[\"1\"]")).contains("\"custom\":true");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            alias taken     | alias   | ["https://example.com/other", "docs"] | alias 'docs' is already taken (it leads to https://example.com/docs)
            alias invalid   | alias   | ["https://example.com/other", "a b"]  | alias must be 1-64 letters, digits, '-' or '_'
            not http        | shorten | ["ftp://example.com/file"]            | url must be an absolute http or https URL
            malformed url   | shorten | ["not a url"]                         | url is malformed
            unknown code    | resolve | ["nope"]                              | unknown short code 'nope'
            """)
    void badInput_failsWithClearErrorAndChangesNothing(String name, String method, String json, String message) {
        value("a0", "Shortener", "alias", "[\"https://example.com/docs\", \"docs\"]");
        SortedMap<String, String> before = simulator.inspector().dumpState();

        Response response = simulator.call("bad", "Shortener", method, json);

        assertThat(response.ok()).isFalse();
        assertThat(response.errorType()).isEqualTo(IllegalArgumentException.class.getName());
        assertThat(response.errorMessage()).contains(message);
        assertThat(simulator.inspector().dumpState()).isEqualTo(before);
    }
}
