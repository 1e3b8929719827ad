package dev.mu2sls.core;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.mu2sls.store.KeyValue;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/** Reads one request's journal and renders its steps for the {@link Inspector}. */
final class JournalRenderer {
    private final StoreScan scan;
    private final ValueRenderer values;

    JournalRenderer(StoreScan scan, ValueRenderer values) {
        this.scan = scan;
        this.values = values;
    }

    /** The journal of {@code requestId}, rendered; the methods its calls called go into {@code calledMethods}. */
    List<Inspector.Step> steps(String requestId, Map<String, String> calledMethods) {
        List<JournalEntry> entries = new ArrayList<>();
        scan.forEach(
                KeySpace.journalPrefix(requestId),
                KeySpace.journalEnd(requestId),
                kv -> JournalCodec.decodeInto(kv.key(), kv.value(), entries));
        List<Inspector.Step> steps = new ArrayList<>(entries.size());
        for (JournalEntry entry : entries) {
            String callId = null;
            if (entry.op() == JournalEntry.Op.CALL || entry.op() == JournalEntry.Op.ASYNC_CALL) {
                callId = requestId + "/" + entry.step();
                calledMethods.put(callId, new String(entry.target(), UTF_8));
            }
            steps.add(new Inspector.Step(entry.step(), entry.op().name(), target(entry), result(entry), callId));
        }
        return steps;
    }

    private static String target(JournalEntry entry) {
        return switch (entry.op()) {
            case GET, CONTAINS, PUT, REMOVE -> entry.stateKey();
            case SCAN -> {
                KeyValue bounds = ScanCodec.decode(entry.target()).getFirst();
                yield KeySpace.describeState(bounds.key()) + " up to " + KeySpace.describeState(bounds.value())
                        + ", limit " + ByteBuffer.wrap(entry.target()).getInt();
            }
            case CALL, ASYNC_CALL, SEND, TX_COMMIT, TX_ABORT, EFFECT, VERSION -> new String(entry.target(), UTF_8);
            case AWAIT, AWAIT_ANY -> {
                ByteBuffer steps = ByteBuffer.wrap(entry.target());
                List<Integer> awaited = new ArrayList<>();
                while (steps.remaining() >= 4) {
                    awaited.add(steps.getInt());
                }
                yield "step" + (awaited.size() == 1 ? " " + awaited.getFirst() : "s " + awaited);
            }
            case UUID, NOW, RANDOM, TX_BEGIN, SLEEP -> null;
        };
    }

    private String result(JournalEntry entry) {
        byte[] value = entry.value();
        if (value == null) {
            return entry.op() == JournalEntry.Op.GET ? "absent" : null;
        }
        ByteBuffer in = ByteBuffer.wrap(value);
        return switch (entry.op()) {
            case GET -> values.brief(value);
            case CONTAINS -> value[0] == 1 ? "present" : "absent";
            case PUT -> "a value of " + in.getInt() + " bytes";
            case SCAN -> ScanCodec.decode(value).size() + " entries";
            case CALL, AWAIT, EFFECT -> {
                Response response = Response.fromBytes(value);
                yield response.ok()
                        ? values.brief(response.value())
                        : "failed: " + response.errorType() + ": " + response.errorMessage();
            }
            case AWAIT_ANY -> "winner " + in.getInt();
            case VERSION -> "version " + in.getInt();
            case UUID -> new UUID(in.getLong(), in.getLong()).toString();
            case NOW -> Instant.ofEpochSecond(in.getLong(), in.getInt()).toString();
            case RANDOM -> "seed " + in.getLong();
            case SEND, SLEEP -> "due " + Instant.ofEpochMilli(in.getLong());
            case TX_COMMIT, TX_ABORT ->
                TxOutcome.of(value[0]).name().toLowerCase(Locale.ROOT).replace('_', ' ');
            case REMOVE, ASYNC_CALL, TX_BEGIN -> null;
        };
    }
}
