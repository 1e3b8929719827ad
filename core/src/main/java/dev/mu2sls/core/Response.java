package dev.mu2sls.core;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * The recorded outcome of a request: the encoded return value, or the application exception the
 * handler threw. Either way it is the request's one exactly-once outcome and every later
 * delivery of the request gets it back.
 *
 * @param value encoded return value when {@code ok}
 * @param errorType exception class name when not {@code ok}
 * @param errorMessage exception message when not {@code ok}, may be null
 */
public record Response(boolean ok, byte[] value, String errorType, String errorMessage) {

    public static Response success(byte[] value) {
        return new Response(true, Objects.requireNonNull(value, "value"), null, null);
    }

    public static Response failure(String errorType, String errorMessage) {
        return new Response(false, null, Objects.requireNonNull(errorType, "errorType"), errorMessage);
    }

    byte[] toBytes() {
        ByteBuffer buffer = ByteBuffer.allocate(encodedLength());
        writeTo(buffer);
        return buffer.array();
    }

    /** Size of the binary form: {@code [1][len][value]} or {@code [0][len][type][len|-1][message]}. */
    int encodedLength() {
        if (ok) {
            return 1 + 4 + value.length;
        }
        return 1 + 4 + utf8(errorType).length + 4 + (errorMessage == null ? 0 : utf8(truncate(errorMessage)).length);
    }

    void writeTo(ByteBuffer out) {
        out.put((byte) (ok ? 1 : 0));
        if (ok) {
            out.putInt(value.length).put(value);
            return;
        }
        byte[] type = utf8(errorType);
        out.putInt(type.length).put(type);
        if (errorMessage == null) {
            out.putInt(-1);
        } else {
            byte[] message = utf8(truncate(errorMessage));
            out.putInt(message.length).put(message);
        }
    }

    static Response readFrom(ByteBuffer in) {
        if (in.get() == 1) {
            byte[] value = new byte[in.getInt()];
            in.get(value);
            return success(value);
        }
        byte[] type = new byte[in.getInt()];
        in.get(type);
        int messageLength = in.getInt();
        String message = null;
        if (messageLength >= 0) {
            byte[] bytes = new byte[messageLength];
            in.get(bytes);
            message = new String(bytes, UTF_8);
        }
        return failure(new String(type, UTF_8), message);
    }

    /** Decodes a response as journaled (the value of a {@code CALL}, {@code AWAIT} or {@code EFFECT} step). */
    public static Response fromBytes(byte[] bytes) {
        return readFrom(ByteBuffer.wrap(bytes));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(UTF_8);
    }

    private static String truncate(String message) {
        return message.length() > 8_000 ? message.substring(0, 8_000) + "..." : message;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Response that
                && ok == that.ok
                && Arrays.equals(value, that.value)
                && Objects.equals(errorType, that.errorType)
                && Objects.equals(errorMessage, that.errorMessage);
    }

    @Override
    public int hashCode() {
        return Objects.hash(ok, Arrays.hashCode(value), errorType, errorMessage);
    }

    @Override
    public String toString() {
        return ok
                ? "Response[ok " + new String(value, UTF_8) + "]"
                : "Response[failed " + errorType + ": " + errorMessage + "]";
    }
}
