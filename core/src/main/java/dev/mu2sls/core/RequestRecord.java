package dev.mu2sls.core;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The per-request record under {@code R<id>}: either running with the number of journaled steps
 * (the fence every persisting transaction checks), or completed with its response.
 */
sealed interface RequestRecord {
    byte RUNNING = 1;
    byte COMPLETED = 2;

    record Running(int journalLength) implements RequestRecord {}

    record Completed(long completedAtMillis, Response response) implements RequestRecord {}

    static RequestRecord decode(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            return switch (in.readByte()) {
                case RUNNING -> new Running(in.readInt());
                case COMPLETED -> new Completed(in.readLong(), Response.read(in));
                default -> throw new IllegalStateException("corrupt request record");
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] running(int journalLength) {
        return new byte[] {RUNNING, (byte) (journalLength >>> 24), (byte) (journalLength >>> 16),
            (byte) (journalLength >>> 8), (byte) journalLength};
    }

    static byte[] completed(long completedAtMillis, Response response) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(COMPLETED);
            out.writeLong(completedAtMillis);
            response.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
