package dev.mu2sls.core;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Binary form of a journal chunk: a run of consecutive {@link JournalEntry} steps.
 *
 * <p>Format 1: {@code V1 count:int} then per step {@code step:int op:code target value}, each
 * byte string as {@code length:int bytes} (length -1: null). Format 0 is the same without the
 * marker (its first byte, the high byte of the count, is 0).
 */
final class JournalCodec {
    private JournalCodec() {}

    static byte[] encode(List<JournalEntry> entries) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 * entries.size());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(StoredFormat.V1);
            out.writeInt(entries.size());
            for (JournalEntry entry : entries) {
                out.writeInt(entry.step());
                out.writeByte(entry.op().code);
                writeBytes(out, entry.target());
                writeBytes(out, entry.value());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static void decodeInto(byte[] key, byte[] chunk, List<JournalEntry> into) {
        StoredFormat.decode("journal chunk", key, chunk, bytes -> {
            decodeInto(bytes, into);
            return null;
        });
    }

    private static void decodeInto(byte[] chunk, List<JournalEntry> into) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(chunk))) {
            if (StoredFormat.isV1(chunk)) {
                in.readByte();
            }
            int count = in.readInt();
            if (count < 0 || count > chunk.length) {
                throw new IllegalArgumentException("step count " + count);
            }
            for (int i = 0; i < count; i++) {
                int step = in.readInt();
                JournalEntry.Op op = JournalEntry.Op.of(in.readByte());
                into.add(new JournalEntry(step, op, readBytes(in), readBytes(in)));
            }
        } catch (EOFException e) {
            throw new IllegalArgumentException("chunk ends early", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<JournalEntry> decode(byte[] key, byte[] chunk) {
        List<JournalEntry> entries = new ArrayList<>();
        decodeInto(key, chunk, entries);
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
        if (length > in.available()) {
            throw new IllegalArgumentException("a field of " + length + " bytes with " + in.available() + " left");
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return bytes;
    }
}
