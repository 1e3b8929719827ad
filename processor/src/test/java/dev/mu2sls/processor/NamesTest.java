package dev.mu2sls.processor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class NamesTest {

    @ParameterizedTest
    @CsvSource({
        "add, ADD",
        "placeOrder, PLACE_ORDER",
        "getURL, GET_URL",
        "getURLName, GET_URL_NAME",
        "add2Items, ADD2_ITEMS",
        "already_snake, ALREADY_SNAKE",
        "x, X"
    })
    void constantName_camelCaseMethod_becomesUpperSnake(String method, String constant) {
        assertThat(Names.constantName(method)).isEqualTo(constant);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Counter", "hotel_v2", "_internal", "A"})
    void isValidServiceName_identifierLikeName_isAccepted(String name) {
        assertThat(Names.isValidServiceName(name)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "2fast", "hotel-service", "a.b", "with space", "caf\u00e9"})
    void isValidServiceName_otherName_isRejected(String name) {
        assertThat(Names.isValidServiceName(name)).isFalse();
    }
}
