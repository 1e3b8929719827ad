package dev.mu2sls.core;

import dev.mu2sls.store.KeyValue;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** Journal forms of a scan: its fingerprint (bounds and limit) and its recorded result. */
final class ScanCodec {
    private ScanCodec() {}

    static byte[] target(byte[] from, byte[] to, int limit) {
        return encode(List.of(new KeyValue(from, to)), limit);
    }

    static byte[] encode(List<KeyValue> entries) {
        return encode(entries, entries.size());
    }

    private static byte[] encode(List<KeyValue> entries, int header) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(header);
            out.writeInt(entries.size());
            for (KeyValue kv : entries) {
                out.writeInt(kv.key().length);
                out.write(kv.key());
                out.writeInt(kv.value().length);
                out.write(kv.value());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static List<KeyValue> decode(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            in.readInt();
            int count = in.readInt();
            List<KeyValue> entries = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                byte[] key = in.readNBytes(in.readInt());
                byte[] value = in.readNBytes(in.readInt());
                entries.add(new KeyValue(key, value));
            }
            return entries;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
