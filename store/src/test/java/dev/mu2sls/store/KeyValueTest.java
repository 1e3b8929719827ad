package dev.mu2sls.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KeyValueTest {

    @Test
    void equals_sameBytesInOtherArrays_equalWithEqualHash() {
        KeyValue a = new KeyValue("k".getBytes(UTF_8), "v".getBytes(UTF_8));
        KeyValue b = new KeyValue("k".getBytes(UTF_8), "v".getBytes(UTF_8));
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a).isNotEqualTo(new KeyValue("k".getBytes(UTF_8), "w".getBytes(UTF_8)));
    }

    @Test
    void toString_showsTheKeyInHexAndTheValuesLength() {
        assertThat(new KeyValue(new byte[] {0x53, 0x00}, new byte[12]))
                .hasToString("KeyValue[key=0x5300, value=12 bytes]");
    }
}
