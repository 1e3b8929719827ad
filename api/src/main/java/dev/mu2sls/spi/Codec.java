package dev.mu2sls.spi;

import dev.mu2sls.InvalidRequestException;
import java.lang.reflect.Type;

/**
 * Turns values into bytes and back. Every value that crosses a boundary (persistent state, call
 * arguments, responses, journal) goes through it, which is what makes values copies.
 * The {@code mu2sls-json} module provides the implementation (Jackson).
 */
public interface Codec {

    /** Encodes {@code value} (may be null) as its declared {@code type}. */
    byte[] encode(Object value, Type type);

    /** Decodes bytes produced by {@link #encode} for the same type. */
    Object decode(byte[] bytes, Type type);

    /** Encodes call arguments as a JSON array, the same form call-by-name accepts. */
    byte[] encodeArguments(MethodRef method, Object[] args);

    /**
     * Decodes and type-checks a JSON array of arguments for {@code method}.
     *
     * @throws InvalidRequestException naming the method and argument for malformed JSON, a wrong
     *     argument count or an argument of the wrong type
     */
    Object[] decodeArguments(MethodRef method, byte[] json);

    /** Renders encoded bytes as JSON text, for clients and messages. */
    String toJson(byte[] encoded);
}
