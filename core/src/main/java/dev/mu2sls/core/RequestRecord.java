package dev.mu2sls.core;

import java.nio.ByteBuffer;

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
        ByteBuffer in = ByteBuffer.wrap(bytes);
        return switch (in.get()) {
            case RUNNING -> new Running(in.getInt());
            case COMPLETED -> new Completed(in.getLong(), Response.readFrom(in));
            default -> throw new IllegalStateException("corrupt request record");
        };
    }

    static byte[] running(int journalLength) {
        return ByteBuffer.allocate(5).put(RUNNING).putInt(journalLength).array();
    }

    static byte[] completed(long completedAtMillis, Response response) {
        ByteBuffer out = ByteBuffer.allocate(1 + 8 + response.encodedLength());
        out.put(COMPLETED).putLong(completedAtMillis);
        response.writeTo(out);
        return out.array();
    }
}
