package dev.mu2sls.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpMessageEqualityTest {

    @Test
    void httpReply_sameBodyInOtherArrays_equalWithEqualHash() {
        HttpReply a = new HttpReply(200, Map.of("Retry-After", "1"), "{}".getBytes(UTF_8));
        HttpReply b = new HttpReply(200, Map.of("Retry-After", "1"), "{}".getBytes(UTF_8));
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a).isNotEqualTo(new HttpReply(200, Map.of("Retry-After", "1"), "[]".getBytes(UTF_8)));
        assertThat(a).hasToString("HttpReply[200 {Retry-After=1}, body 2 bytes]");
    }

    @Test
    void httpCall_sameBodyInOtherArrays_equalWithEqualHash() {
        HttpCall a = new HttpCall(
                "POST", "/call/Counter/add", Map.of("Content-Type", "application/json"), "[1]".getBytes(UTF_8), false);
        HttpCall b = new HttpCall(
                "POST", "/call/Counter/add", Map.of("content-type", "application/json"), "[1]".getBytes(UTF_8), false);
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a).isNotEqualTo(new HttpCall("POST", "/call/Counter/add", Map.of(), "[1]".getBytes(UTF_8), false));
    }

    @Test
    void httpCall_toString_namesHeadersWithoutTheirValues() {
        HttpCall call =
                new HttpCall("POST", "/call/Counter/add", Map.of("Authorization", "Bearer secret"), new byte[3], false);
        assertThat(call).hasToString("HttpCall[POST /call/Counter/add headers [authorization], body 3 bytes]");
    }
}
