package dev.mu2sls.core;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
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
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(ok ? value.length + 8 : 64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    void write(DataOutputStream out) throws IOException {
        out.writeBoolean(ok);
        if (ok) {
            out.writeInt(value.length);
            out.write(value);
        } else {
            out.writeUTF(errorType);
            out.writeBoolean(errorMessage != null);
            if (errorMessage != null) {
                out.writeUTF(truncate(errorMessage));
            }
        }
    }

    static Response read(DataInputStream in) throws IOException {
        if (in.readBoolean()) {
            byte[] value = new byte[in.readInt()];
            in.readFully(value);
            return success(value);
        }
        String type = in.readUTF();
        return failure(type, in.readBoolean() ? in.readUTF() : null);
    }

    static Response fromBytes(byte[] bytes) {
        try {
            return read(new DataInputStream(new java.io.ByteArrayInputStream(bytes)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String truncate(String message) {
        return message.length() > 8_000 ? message.substring(0, 8_000) + "..." : message;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Response that && ok == that.ok && Arrays.equals(value, that.value)
                && Objects.equals(errorType, that.errorType) && Objects.equals(errorMessage, that.errorMessage);
    }

    @Override
    public int hashCode() {
        return Objects.hash(ok, Arrays.hashCode(value), errorType, errorMessage);
    }

    @Override
    public String toString() {
        return ok ? "Response[ok " + new String(value, java.nio.charset.StandardCharsets.UTF_8) + "]"
                : "Response[failed " + errorType + ": " + errorMessage + "]";
    }
}
