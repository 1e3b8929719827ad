package dev.mu2sls.json;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.mu2sls.spi.MethodRef;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link JsonCodec#decodeArguments} streams arrays of scalar arguments instead of building a tree:
 * on random argument texts for random scalar signatures it must answer exactly what decoding
 * through the tree answers, values or the refusal. Replay a failure with
 * {@code -Dmu2sls.seed=<the printed seed>}.
 */
class ScalarArgumentsTest {
    private static final List<Type> SCALARS = List.copyOf(JsonCodec.SCALARS);
    private static final List<String> VALUES = List.of(
            "\"k\"",
            "\"\"",
            "\"1\"",
            "\"true\"",
            "\"\\u00e9\\n\"",
            "0",
            "-1",
            "7",
            "127",
            "128",
            "32768",
            "2147483648",
            "-9223372036854775808",
            "9223372036854775808",
            "1.5",
            "-0.0",
            "1e3",
            "1E-2",
            "3.4028236E38",
            "true",
            "false",
            "null",
            "[]",
            "[1]",
            "{}",
            "{\"a\":1}");
    private static final List<String> TRAILERS = List.of("", " ", "\n", " 1", "]", ",", " []", "x");
    private final JsonCodec codec = new JsonCodec();

    @Test
    void streamedScalarArguments_agreeWithTheTree() {
        long seed = Long.getLong("mu2sls.seed", System.nanoTime());
        System.out.println("ScalarArgumentsTest seed " + seed + " (replay: -Dmu2sls.seed=" + seed + ")");
        SplittableRandom random = new SplittableRandom(seed);
        int streamed = 0;
        for (int i = 0; i < 20_000; i++) {
            MethodRef method = randomMethod(random);
            String json = randomArguments(random, method.parameterTypes().size());
            Object[] reference = null;
            Throwable refused = catchThrowable(() -> codec.decodeTree(method, json.getBytes(UTF_8)));
            if (refused == null) {
                reference = codec.decodeTree(method, json.getBytes(UTF_8));
            }
            Object[] decoded = null;
            Throwable decodeRefused = catchThrowable(() -> codec.decodeArguments(method, json.getBytes(UTF_8)));
            if (decodeRefused == null) {
                decoded = codec.decodeArguments(method, json.getBytes(UTF_8));
            }
            String what = method.parameterTypes() + " " + json + " (seed " + seed + ")";
            Object[] fast = codec.decodeScalarArray(method, json.getBytes(UTF_8));
            if (fast != null) {
                if (!method.parameterTypes().isEmpty()) {
                    streamed++;
                }
                assertThat(refused)
                        .as(what + ": streamed, but the tree refuses")
                        .isNull();
                assertThat(fast).as(what).containsExactly(reference);
            }
            if (refused == null) {
                assertThat(decoded).as(what).isNotNull().containsExactly(reference);
            } else {
                assertThat(decodeRefused)
                        .as(what)
                        .isNotNull()
                        .hasSameClassAs(refused)
                        .hasMessage(refused.getMessage());
            }
        }
        assertThat(streamed)
                .as("cases with arguments the fast path decoded itself (not only through the tree)")
                .isGreaterThan(1_000);
    }

    private static MethodRef randomMethod(SplittableRandom random) {
        int arity = random.nextInt(4);
        List<String> names = new ArrayList<>();
        List<Type> types = new ArrayList<>();
        for (int p = 0; p < arity; p++) {
            names.add("p" + p);
            types.add(SCALARS.get(random.nextInt(SCALARS.size())));
        }
        return new MethodRef("S", "m", 0, names, types, void.class);
    }

    private static String randomArguments(SplittableRandom random, int arity) {
        int count = random.nextInt(10) < 8 ? arity : random.nextInt(5);
        StringBuilder json = new StringBuilder(random.nextBoolean() ? "[" : " [ ");
        for (int v = 0; v < count; v++) {
            json.append(v > 0 ? (random.nextBoolean() ? "," : " , ") : "")
                    .append(VALUES.get(random.nextInt(VALUES.size())));
        }
        json.append(']');
        return random.nextInt(10) < 8 ? json.toString() : json + TRAILERS.get(random.nextInt(TRAILERS.size()));
    }
}
