package dev.mu2sls.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Calls route by their first argument: one key, one instance; an instance leaving moves only its keys. */
class KeyRoutingTest {
    private static final List<URI> THREE = List.of(
            URI.create("http://127.0.0.1:4001"),
            URI.create("http://127.0.0.1:4002"),
            URI.create("http://127.0.0.1:4003"));

    private static long hash(String json) {
        return KeyRouting.keyHash(json.getBytes(UTF_8));
    }

    @ParameterizedTest(name = "{0} ~ {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "[\"k1\", 1]                | [\"k1\",9]",
                "[ \"k1\" ,2]               | [\"k1\"]",
                "[\"a\\\"b\", 1]            | [\"a\\\"b\",\"x\"]",
                "[7, \"x\"]                 | [7]",
                "[{\"id\": [1, 2]}, 3]      | [{\"id\": [1, 2]}, 4]",
                "[[\"u\", \"v\"], 3]        | [[\"u\", \"v\"]]",
            })
    void sameFirstArgument_sameHash(String one, String other) {
        assertThat(hash(one)).isNotZero().isEqualTo(hash(other));
    }

    @ParameterizedTest(name = "{0} !~ {1}")
    @CsvSource(
            delimiter = '|',
            value = {"[\"k1\", 1] | [\"k2\", 1]", "[7, 1] | [8, 1]", "[\"a]\", 1] | [\"a\", 1]"})
    void otherFirstArgument_otherHash(String one, String other) {
        assertThat(hash(one)).isNotEqualTo(hash(other));
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", " [ ] ", "{\"key\": \"k\"}", "", "not json", "[\"unterminated"})
    void nothingToRouteBy_zero(String json) {
        assertThat(hash(json)).isZero();
    }

    @Test
    void oneKey_oneInstance_andKeysSpreadOverAll() {
        Map<URI, Integer> perInstance = new HashMap<>();
        for (int k = 0; k < 3000; k++) {
            long key = hash("[\"k" + k + "\", 1]");
            URI chosen = KeyRouting.choose(THREE, key, null);
            assertThat(KeyRouting.choose(List.of(THREE.get(2), THREE.get(0), THREE.get(1)), key, null))
                    .as("the order instances are listed in does not matter")
                    .isEqualTo(chosen);
            perInstance.merge(chosen, 1, Integer::sum);
        }
        assertThat(perInstance).hasSize(3);
        assertThat(perInstance.values()).allSatisfy(n -> assertThat(n).isBetween(800, 1200));
    }

    @Test
    void anInstanceLeaving_movesOnlyItsOwnKeys_andAFailedOneIsAvoided() {
        List<URI> two = new ArrayList<>(THREE);
        URI leaving = two.remove(1);
        for (int k = 0; k < 3000; k++) {
            long key = hash("[\"k" + k + "\", 1]");
            URI before = KeyRouting.choose(THREE, key, null);
            URI after = KeyRouting.choose(two, key, null);
            if (!before.equals(leaving)) {
                assertThat(after).isEqualTo(before);
            }
            assertThat(KeyRouting.choose(THREE, key, before)).isNotEqualTo(before);
            assertThat(KeyRouting.choose(List.of(before), key, before))
                    .as("the only instance, even failed")
                    .isEqualTo(before);
        }
    }
}
