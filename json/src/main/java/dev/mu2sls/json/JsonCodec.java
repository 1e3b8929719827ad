package dev.mu2sls.json;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.mu2sls.InvalidRequestException;
import dev.mu2sls.InvalidRequestException.Reason;
import dev.mu2sls.spi.Codec;
import dev.mu2sls.spi.MethodRef;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Type;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link Codec} on Jackson. Values are JSON: records, enums, {@code java.time}, {@code Optional}
 * and collections work without annotations. Argument decoding is strict: no coercion of scalars
 * (the string {@code "1"} is not a {@code long}, the number {@code 1} not a {@code String}, and
 * {@code 1.9} not a {@code long}), no duplicate names in an object, no trailing tokens, and no null
 * for a parameter unless it is a reference annotated {@code @Nullable}
 * ({@link MethodRef#nullableParameters()}); each is refused with
 * {@link InvalidRequestException} (400 over HTTP) before anything is recorded.
 *
 * <p>Thread safe; readers and writers are cached per type.
 */
public final class JsonCodec implements Codec {
    /** Parameter types whose arguments decode from the token stream ({@link #decodeScalarArray}). */
    static final Set<Type> SCALARS = Set.of(
            String.class,
            boolean.class,
            Boolean.class,
            int.class,
            Integer.class,
            long.class,
            Long.class,
            short.class,
            Short.class,
            byte.class,
            Byte.class,
            double.class,
            Double.class,
            float.class,
            Float.class);

    // A shared buffer pool: the default ThreadLocal one allocates fresh buffers on every new
    // virtual thread, and every async call and simulated instance is one.
    private final JsonMapper mapper = JsonMapper.builder(JsonFactory.builder()
                    .recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool())
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .build())
            .addModule(new JavaTimeModule())
            .addModule(new Jdk8Module())
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .withCoercionConfig(
                    LogicalType.Textual, text -> text.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                            .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                            .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .build();
    private final Map<Type, ObjectWriter> writers = new ConcurrentHashMap<>();
    private final Map<Type, ObjectReader> readers = new ConcurrentHashMap<>();
    /** Readers of one value inside a stream: the value is followed by more tokens, not trailing ones. */
    private final Map<Type, ObjectReader> elementReaders = new ConcurrentHashMap<>();

    private JavaType javaType(Type type) {
        return mapper.getTypeFactory().constructType(type);
    }

    private ObjectWriter writer(Type type) {
        return writers.computeIfAbsent(type, t -> mapper.writerFor(javaType(t)));
    }

    private ObjectReader reader(Type type) {
        return readers.computeIfAbsent(type, t -> mapper.readerFor(javaType(t)));
    }

    private ObjectReader elementReader(Type type) {
        return elementReaders.computeIfAbsent(
                type, t -> mapper.readerFor(javaType(t)).without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS));
    }

    @Override
    public byte[] encode(Object value, Type type) {
        try {
            return writer(type).writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "cannot serialize a " + value.getClass().getName() + " as " + type.getTypeName() + ": "
                            + e.getOriginalMessage(),
                    e);
        }
    }

    @Override
    public Object decode(byte[] bytes, Type type) {
        try {
            return reader(type).readValue(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot decode a stored " + type.getTypeName() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public byte[] encodeArguments(MethodRef method, Object[] args) {
        List<Type> types = method.parameterTypes();
        if (args.length != types.size()) {
            throw new InvalidRequestException(
                    Reason.WRONG_ARITY,
                    method.service(),
                    method.method(),
                    method + " takes " + types.size() + " arguments, got " + args.length);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 + 16 * args.length);
        out.write('[');
        for (int i = 0; i < args.length; i++) {
            if (i > 0) {
                out.write(',');
            }
            try {
                out.writeBytes(writer(types.get(i)).writeValueAsBytes(args[i]));
            } catch (JsonProcessingException e) {
                throw new InvalidRequestException(
                        Reason.NOT_SERIALIZABLE,
                        method.service(),
                        method.method(),
                        method.parameterNames().get(i),
                        method + " argument '" + method.parameterNames().get(i) + "' cannot be serialized: "
                                + e.getOriginalMessage());
            }
        }
        out.write(']');
        return out.toByteArray();
    }

    @Override
    public Object[] decodeArguments(MethodRef method, byte[] json) {
        Object[] scalars = hasScalarParameters(method) ? decodeScalarArray(method, json) : null;
        return scalars != null ? scalars : decodeTree(method, json);
    }

    /**
     * Whether every parameter is a string, a number or a boolean: then a JSON array of arguments
     * decodes from the token stream to the same values as through a tree (a tree would turn
     * decimals into doubles first, so {@code BigDecimal}s and objects keep the tree).
     */
    private static boolean hasScalarParameters(MethodRef method) {
        for (Type type : method.parameterTypes()) {
            if (!SCALARS.contains(type)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The common case without building a tree (a third of argument decoding's cost in W1): a JSON
     * array of exactly the method's arity with no nulls, each value decoded by its parameter's
     * reader. Anything else (an object keyed by name, a wrong arity, a null, a bad value, trailing
     * tokens) returns null, and {@link #decodeTree} decides and names the problem as before.
     */
    Object[] decodeScalarArray(MethodRef method, byte[] json) {
        List<Type> types = method.parameterTypes();
        try (JsonParser in = mapper.createParser(json)) {
            if (in.nextToken() != JsonToken.START_ARRAY) {
                return null;
            }
            Object[] args = new Object[types.size()];
            for (int i = 0; i < args.length; i++) {
                JsonToken token = in.nextToken();
                if (token == null || token == JsonToken.END_ARRAY || token == JsonToken.VALUE_NULL) {
                    return null;
                }
                args[i] = elementReader(types.get(i)).readValue(in);
            }
            return in.nextToken() == JsonToken.END_ARRAY && in.nextToken() == null ? args : null;
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }

    /** Decoding through a tree: every form of arguments, and every error named (the reference the fast path agrees with). */
    Object[] decodeTree(MethodRef method, byte[] json) {
        JsonNode root;
        try {
            root = mapper.readTree(json);
        } catch (IOException e) {
            throw new InvalidRequestException(
                    Reason.MALFORMED_JSON,
                    method.service(),
                    method.method(),
                    "arguments of " + method + " are not valid JSON: " + firstLine(e.getMessage()));
        }
        List<String> names = method.parameterNames();
        if (root == null || !(root.isArray() || root.isObject())) {
            throw new InvalidRequestException(
                    Reason.MALFORMED_JSON,
                    method.service(),
                    method.method(),
                    "arguments of " + method + " must be a JSON array " + signature(method)
                            + " or an object keyed by parameter name");
        }
        if (root.isArray() && root.size() != names.size()) {
            throw new InvalidRequestException(
                    Reason.WRONG_ARITY,
                    method.service(),
                    method.method(),
                    method + " takes " + names.size() + " arguments " + signature(method) + ", got " + root.size());
        }
        if (root.isObject()) {
            for (Iterator<String> fields = root.fieldNames(); fields.hasNext(); ) {
                String field = fields.next();
                if (!names.contains(field)) {
                    throw new InvalidRequestException(
                            Reason.BAD_ARGUMENT,
                            method.service(),
                            method.method(),
                            field,
                            method + " has no parameter '" + field + "'; its parameters are " + signature(method));
                }
            }
            if (root.size() != names.size()) {
                throw new InvalidRequestException(
                        Reason.WRONG_ARITY,
                        method.service(),
                        method.method(),
                        method + " takes " + names.size() + " arguments " + signature(method) + ", got " + root.size());
            }
        }
        Object[] args = new Object[names.size()];
        for (int i = 0; i < args.length; i++) {
            JsonNode node = root.isArray() ? root.get(i) : root.get(names.get(i));
            Type type = method.parameterTypes().get(i);
            try {
                args[i] = reader(type).readValue(node);
            } catch (IOException | IllegalArgumentException e) {
                throw new InvalidRequestException(
                        Reason.BAD_ARGUMENT,
                        method.service(),
                        method.method(),
                        names.get(i),
                        method + " argument '" + names.get(i) + "' must be a " + type.getTypeName() + ", got "
                                + abbreviate(node.toString()));
            }
            if (args[i] == null && !method.nullableParameters().get(i)) {
                throw new InvalidRequestException(
                        Reason.BAD_ARGUMENT,
                        method.service(),
                        method.method(),
                        names.get(i),
                        method + " argument '" + names.get(i) + "' must be a " + type.getTypeName() + ", got null"
                                + (type instanceof Class<?> c && c.isPrimitive()
                                        ? ""
                                        : " (annotate the parameter @Nullable to accept null)"));
            }
        }
        return args;
    }

    @Override
    public String toJson(byte[] encoded) {
        return new String(encoded, UTF_8);
    }

    private static String signature(MethodRef method) {
        StringBuilder out = new StringBuilder("(");
        for (int i = 0; i < method.parameterNames().size(); i++) {
            if (i > 0) {
                out.append(", ");
            }
            out.append(method.parameterTypes().get(i).getTypeName())
                    .append(' ')
                    .append(method.parameterNames().get(i));
        }
        return out.append(')').toString();
    }

    private static String abbreviate(String text) {
        return text.length() > 80 ? text.substring(0, 77) + "..." : text;
    }

    private static String firstLine(String message) {
        int newline = message == null ? -1 : message.indexOf('\n');
        return newline < 0 ? String.valueOf(message) : message.substring(0, newline);
    }
}
