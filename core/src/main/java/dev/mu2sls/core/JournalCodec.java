package dev.mu2sls.core;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** Binary form of a journal chunk: a run of consecutive {@link JournalEntry} steps. */
final class JournalCodec {
    private JournalCodec() {}

    static byte[] encode(List<JournalEntry> entries) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 * entries.size());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(entries.size());
            for (JournalEntry entry : entries) {
                out.writeInt(entry.step());
                out.writeByte(entry.op().ordinal());
                writeBytes(out, entry.target());
                writeBytes(out, entry.value());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static void decodeInto(byte[] chunk, List<JournalEntry> into) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(chunk))) {
            int count = in.readInt();
            for (int i = 0; i < count; i++) {
                int step = in.readInt();
                JournalEntry.Op op = JournalEntry.Op.of(in.readByte());
                into.add(new JournalEntry(step, op, readBytes(in), readBytes(in)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<JournalEntry> decode(byte[] chunk) {
        List<JournalEntry> entries = new ArrayList<>();
        decodeInto(chunk, entries);
        return entries;
    }

    private static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
        if (bytes == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(bytes.length);
            out.write(bytes);
        }
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0) {
            return null;
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return bytes;
    }
}
