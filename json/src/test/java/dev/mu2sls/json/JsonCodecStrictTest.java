package dev.mu2sls.json;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mu2sls.InvalidRequestException;
import dev.mu2sls.InvalidRequestException.Reason;
import dev.mu2sls.spi.MethodRef;
import java.lang.reflect.Type;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Issue 19 item 10: argument decoding refuses what a careless or hostile client sends, naming the argument. */
class JsonCodecStrictTest {
    private static final MethodRef ADD = new MethodRef(
            "Counter", "add", 0, List.of("key", "delta"), List.<Type>of(String.class, long.class), long.class);
    private static final MethodRef NOTE = new MethodRef(
            "Notes",
            "note",
            0,
            List.of("text", "times"),
            List.<Type>of(String.class, Integer.class),
            void.class,
            false,
            List.of(true, false));
    private final JsonCodec codec = new JsonCodec();

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "[\"k\", 1.9]           | BAD_ARGUMENT | delta",
                "[\"k\", 1e3]           | BAD_ARGUMENT | delta",
                "[5, 1]                 | BAD_ARGUMENT | key",
                "[true, 1]              | BAD_ARGUMENT | key",
                "[null, 1]              | BAD_ARGUMENT | key",
                "[\"k\", null]          | BAD_ARGUMENT | delta",
                "[\"k\", \"1\"]         | BAD_ARGUMENT | delta",
                "{\"key\": \"a\", \"key\": \"b\", \"delta\": 1} | MALFORMED_JSON | ",
            })
    void add_badArgument_refusedNamingIt(String json, Reason reason, String argument) {
        assertThatThrownBy(() -> codec.decodeArguments(ADD, json.getBytes(UTF_8)))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.reason()).isEqualTo(reason);
                    assertThat(e.argument()).isEqualTo(argument);
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {"[\"k\", 2]", "{\"delta\": 2, \"key\": \"k\"}"})
    void add_wellFormed_decoded(String json) {
        assertThat(codec.decodeArguments(ADD, json.getBytes(UTF_8))).containsExactly("k", 2L);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {"[null, 1] | true", "[\"t\", null] | false"})
    void nullableParameter_acceptsNull_othersRefuse(String json, boolean accepted) {
        if (accepted) {
            assertThat(codec.decodeArguments(NOTE, json.getBytes(UTF_8))).containsExactly(null, 1);
        } else {
            assertThatThrownBy(() -> codec.decodeArguments(NOTE, json.getBytes(UTF_8)))
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("argument 'times'")
                    .hasMessageContaining("got null");
        }
    }
}
