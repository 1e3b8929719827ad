package dev.mu2sls.core;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.mu2sls.spi.Codec;
import dev.mu2sls.store.KeyValue;
import dev.mu2sls.store.Keys;
import dev.mu2sls.store.Store;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A read-only view of what the engine stored, for operators' tools (the admin commands, the
 * gateway's console): requests with their status and response, one request's journal and calls,
 * pending transactions and their participants, persistent state. It decodes every stored format
 * the engine reads (docs/architecture.md, "Key layout" and "Stored formats") and writes nothing.
 *
 * <h2>What the store does not say</h2>
 * A request record keeps no start time and no attempt count: only ended requests have a time.
 * A completed request's journal is deleted with its completion, so only running and quarantined
 * requests show steps; its calls' records stay (with their end times) until its response expires.
 * Service and method are known from an acceptance record, from a gateway's request id
 * ({@code Service.method:key}) or, for a call, from its caller's journal; else they are null.
 *
 * <h2>Cost</h2>
 * Lists scan a whole kind of record in batches of {@value #BATCH} (never the whole range at once)
 * and keep at most {@code limit} results. Reads outside transactions: a listing taken while
 * requests run may mix moments, never shows anything that was not stored.
 *
 * <h2>Thread safety</h2>
 * Safe for concurrent use if the store is.
 */
public final class Inspector {
    private static final int BATCH = 1_000;
    /** Longest rendering of a value in a listing or journal step; {@link #state} shows values whole. */
    private static final int MAX_RENDERED = 2_000;
    private static final Pattern GATEWAY_ID = Pattern.compile("([\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}]*)\\."
            + "([\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}]*):.+");

    private final Store store;
    private final Codec codec;
    private final InstantSource clock;

    /**
     * @param store the store the application's engines share
     * @param codec the application's codec, to render values as JSON; null renders them as text
     *     (or hex when they are not UTF-8)
     */
    public Inspector(Store store, Codec codec) {
        this.store = store;
        this.codec = codec;
        this.clock = store.clock();
    }

    /** Where a request stands, as its records say. */
    public enum Status {
        /** Accepted durably but no execution recorded anything yet. */
        ACCEPTED,
        /** Started: its journal holds the steps recorded so far. */
        RUNNING,
        /** Ended with the handler's return value. */
        COMPLETED,
        /** Ended with an exception the handler threw (its exactly-once outcome). */
        FAILED,
        /** Ended by the engine or the platform, not the handler: its response is the report. */
        QUARANTINED;

        /** Whether the request ended without a value: {@link #FAILED} or {@link #QUARANTINED}. */
        public boolean isFailure() {
            return this == FAILED || this == QUARANTINED;
        }

        /** Whether the request has not ended: {@link #ACCEPTED} or {@link #RUNNING}. */
        public boolean isOpen() {
            return this == ACCEPTED || this == RUNNING;
        }
    }

    /**
     * One request as its records show it.
     *
     * @param id the request id ({@code parent/step} for a call)
     * @param status where it stands
     * @param service the service, or null when the records do not say
     * @param method the method, or null when the records do not say
     * @param endedAt when it ended (store clock), or null while open
     * @param journalLength steps recorded by a running request, else 0
     * @param value the return value as JSON when {@link Status#COMPLETED}, else null
     * @param errorType the exception type when {@link Status#isFailure()}, else null
     * @param errorMessage the exception message or quarantine report when it failed, else null
     */
    public record Request(String id, Status status, String service, String method, Instant endedAt, int journalLength,
                          String value, String errorType, String errorMessage) {
        /** Whether this is a call made by another request ({@code parent/step}). */
        public boolean isCall() {
            return id.indexOf('/') >= 0;
        }
    }

    /**
     * One journaled step.
     *
     * @param step its number, from 0
     * @param op the operation ({@code GET}, {@code PUT}, {@code CALL}, ...)
     * @param target what it acted on: a state key {@code Service.state["key"]}, a called method
     *     {@code Service.method}, awaited steps, a transaction id; null when none
     * @param result what it recorded: a value read (JSON), a call's response, a drawn value, a
     *     transaction's outcome; null when nothing
     * @param callId the id of the call it made ({@code request/step}), or null
     */
    public record Step(int step, String op, String target, String result, String callId) {}

    /**
     * A transaction's status record.
     *
     * @param id the transaction id, {@code request/step} of its begin
     * @param state {@code pending}, {@code committed}, {@code aborted}, {@code aborted by participant}
     *     or {@code expired}
     * @param at since when pending, or when it ended
     */
    public record Transaction(String id, String state, Instant at) {}

    /**
     * One request with everything recorded under its id.
     *
     * @param request the request itself
     * @param arguments its arguments as JSON, while an acceptance record holds them; else null
     * @param journal its journaled steps (running and quarantined requests keep one)
     * @param calls the calls it made and their calls in turn, in step order (a call's depth is the
     *     number of {@code /} in its id beyond the request's)
     * @param transactions the transactions it or its calls began
     */
    public record RequestDetail(Request request, String arguments, List<Step> journal, List<Request> calls,
                                List<Transaction> transactions) {}

    /**
     * A transaction still pending: a coordinator persisted into it and has not ended it.
     *
     * @param id the transaction id
     * @param coordinator the request that began it
     * @param since when its first participant persisted into it (store clock)
     * @param ageMillis how long it has been pending, by the store clock
     * @param participants requests that recorded reads in it
     * @param writes the state keys it provisionally wrote, {@code Service.state["key"]}
     */
    public record PendingTransaction(String id, String coordinator, Instant since, long ageMillis, List<String> participants,
                                     List<String> writes) {}

    /**
     * One persistent state entry.
     *
     * @param key its rendering, {@code Service.state["key"]} ({@code Service.state} for a value)
     * @param value the stored value as JSON (or text)
     */
    public record StateEntry(String key, String value) {}

    // ---- requests -----------------------------------------------------------------------------

    /**
     * Requests that match {@code filter}: open ones first (in id order), then ended ones, most
     * recent first; at most {@code limit}.
     *
     * @param includeCalls whether calls between services ({@code parent/step}) are listed too
     */
    public List<Request> requests(Predicate<Request> filter, boolean includeCalls, int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative: " + limit);
        }
        Map<String, Invocation> accepted = new HashMap<>();
        forEach(KeySpace.ACCEPTED, kv -> {
            Invocation invocation = Invocation.decode(kv.key(), kv.value());
            accepted.put(invocation.requestId(), invocation);
        });
        List<Request> open = new ArrayList<>();
        Comparator<Request> byEnd = Comparator.comparing(Request::endedAt).thenComparing(Request::id);
        PriorityQueue<Request> latestEnded = new PriorityQueue<>(byEnd); // its head is the oldest kept
        forEach(KeySpace.REQUEST, kv -> {
            String id = KeySpace.requestIdOf(kv.key());
            if (!includeCalls && id.indexOf('/') >= 0) {
                return;
            }
            Request request = request(id, RequestRecord.decode(kv.key(), kv.value()), accepted.remove(id), null);
            if (!filter.test(request)) {
                return;
            }
            if (request.status().isOpen()) {
                if (open.size() < limit) {
                    open.add(request);
                }
            } else if (latestEnded.size() < limit) {
                latestEnded.add(request);
            } else if (limit > 0 && byEnd.compare(request, latestEnded.peek()) > 0) {
                latestEnded.poll();
                latestEnded.add(request);
            }
        });
        for (Invocation invocation : accepted.values()) { // accepted, nothing recorded yet
            Request request = request(invocation.requestId(), null, invocation, null);
            if (filter.test(request)) {
                open.add(request);
            }
        }
        open.sort(Comparator.comparing(Request::id));
        List<Request> result = new ArrayList<>(open.subList(0, Math.min(limit, open.size())));
        List<Request> ended = new ArrayList<>(latestEnded);
        ended.sort(byEnd.reversed());
        result.addAll(ended.subList(0, Math.min(limit - result.size(), ended.size())));
        return result;
    }

    /** The request {@code id} with its journal, calls and transactions, or empty if nothing is recorded under it. */
    public Optional<RequestDetail> request(String id) {
        byte[] requestKey = KeySpace.request(id);
        RequestRecord record = RequestRecord.decode(requestKey, store.get(requestKey));
        byte[] acceptedKey = KeySpace.accepted(id);
        byte[] acceptedBytes = store.get(acceptedKey);
        Invocation invocation = acceptedBytes == null ? null : Invocation.decode(acceptedKey, acceptedBytes);
        if (record == null && invocation == null) {
            return Optional.empty();
        }
        Map<String, String> calledMethods = new HashMap<>();
        List<Step> journal = steps(id, calledMethods);
        Map<String, RequestRecord> callRecords = new HashMap<>();
        forEach(KeySpace.request(id + "/"), KeySpace.request(id + "0"), kv -> {
            String callId = KeySpace.requestIdOf(kv.key());
            RequestRecord callRecord = RequestRecord.decode(kv.key(), kv.value());
            callRecords.put(callId, callRecord);
            if (callRecord instanceof RequestRecord.Running || callRecord instanceof RequestRecord.Completed c && c.quarantined()) {
                steps(callId, calledMethods); // learns what its own calls called
            }
        });
        List<Request> calls = new ArrayList<>(callRecords.size());
        callRecords.forEach((callId, callRecord) -> calls.add(request(callId, callRecord, null, calledMethods.get(callId))));
        calls.sort(Comparator.comparing(Request::id, Inspector::compareIds));
        List<Transaction> transactions = new ArrayList<>();
        forEach(KeySpace.txStatus(id + "/"), KeySpace.txStatus(id + "0"), kv -> {
            TxStatus status = TxStatus.decode(kv.key(), kv.value());
            transactions.add(new Transaction(KeySpace.txIdOf(kv.key()), describe(status.state()), Instant.ofEpochMilli(status.atMillis())));
        });
        transactions.sort(Comparator.comparing(Transaction::id, Inspector::compareIds));
        String arguments = invocation == null ? null : render(invocation.arguments(), MAX_RENDERED);
        return Optional.of(new RequestDetail(request(id, record, invocation, null), arguments, journal, calls, transactions));
    }

    private Request request(String id, RequestRecord record, Invocation invocation, String calledMethod) {
        String service = null;
        String method = null;
        if (invocation != null) {
            service = invocation.service();
            method = invocation.method();
        } else if (calledMethod != null) {
            int dot = calledMethod.lastIndexOf('.');
            service = calledMethod.substring(0, dot);
            method = calledMethod.substring(dot + 1);
        } else if (id.indexOf('/') < 0) {
            Matcher gateway = GATEWAY_ID.matcher(id);
            if (gateway.matches()) {
                service = gateway.group(1);
                method = gateway.group(2);
            }
        }
        return switch (record) {
            case null -> new Request(id, Status.ACCEPTED, service, method, null, 0, null, null, null);
            case RequestRecord.Running running -> new Request(id, Status.RUNNING, service, method, null, running.journalLength(),
                    null, null, null);
            case RequestRecord.Completed completed -> {
                Response response = completed.response();
                Status status = completed.quarantined() ? Status.QUARANTINED : response.ok() ? Status.COMPLETED : Status.FAILED;
                yield new Request(id, status, service, method, Instant.ofEpochMilli(completed.completedAtMillis()), 0,
                        response.ok() ? render(response.value(), MAX_RENDERED) : null, response.errorType(), response.errorMessage());
            }
        };
    }

    /** The journal of {@code requestId}, rendered; the methods its calls called go into {@code calledMethods}. */
    private List<Step> steps(String requestId, Map<String, String> calledMethods) {
        List<JournalEntry> entries = new ArrayList<>();
        forEach(KeySpace.journalPrefix(requestId), KeySpace.journalEnd(requestId),
                kv -> JournalCodec.decodeInto(kv.key(), kv.value(), entries));
        List<Step> steps = new ArrayList<>(entries.size());
        for (JournalEntry entry : entries) {
            String callId = null;
            if (entry.op() == JournalEntry.Op.CALL || entry.op() == JournalEntry.Op.ASYNC_CALL) {
                callId = requestId + "/" + entry.step();
                calledMethods.put(callId, new String(entry.target(), UTF_8));
            }
            steps.add(new Step(entry.step(), entry.op().name(), target(entry), result(entry), callId));
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
            case CALL, ASYNC_CALL, TX_COMMIT, TX_ABORT -> new String(entry.target(), UTF_8);
            case AWAIT, AWAIT_ANY -> {
                ByteBuffer steps = ByteBuffer.wrap(entry.target());
                List<Integer> awaited = new ArrayList<>();
                while (steps.remaining() >= 4) {
                    awaited.add(steps.getInt());
                }
                yield "step" + (awaited.size() == 1 ? " " + awaited.getFirst() : "s " + awaited);
            }
            case UUID, NOW, RANDOM, TX_BEGIN -> null;
        };
    }

    private String result(JournalEntry entry) {
        byte[] value = entry.value();
        if (value == null) {
            return entry.op() == JournalEntry.Op.GET ? "absent" : null;
        }
        ByteBuffer in = ByteBuffer.wrap(value);
        return switch (entry.op()) {
            case GET -> render(value, MAX_RENDERED);
            case CONTAINS -> value[0] == 1 ? "present" : "absent";
            case PUT -> "a value of " + in.getInt() + " bytes";
            case SCAN -> ScanCodec.decode(value).size() + " entries";
            case CALL, AWAIT -> {
                Response response = Response.fromBytes(value);
                yield response.ok() ? render(response.value(), MAX_RENDERED) : "failed: " + response.errorType() + ": " + response.errorMessage();
            }
            case AWAIT_ANY -> "winner " + in.getInt();
            case UUID -> new UUID(in.getLong(), in.getLong()).toString();
            case NOW -> Instant.ofEpochSecond(in.getLong(), in.getInt()).toString();
            case RANDOM -> "seed " + in.getLong();
            case TX_COMMIT, TX_ABORT -> TxOutcome.of(value[0]).name().toLowerCase(Locale.ROOT).replace('_', ' ');
            case REMOVE, ASYNC_CALL, TX_BEGIN -> null;
        };
    }

    // ---- transactions -------------------------------------------------------------------------

    /** Transactions still pending, oldest first; at most {@code limit}. */
    public List<PendingTransaction> pendingTransactions(int limit) {
        long now = clock.millis();
        List<PendingTransaction> pending = new ArrayList<>();
        forEach(KeySpace.TX_STATUS, kv -> {
            TxStatus status = TxStatus.decode(kv.key(), kv.value());
            if (status.state() == TxStatus.State.PENDING) {
                pending.add(pendingTransaction(KeySpace.txIdOf(kv.key()), status.atMillis(), now));
            }
        });
        pending.sort(Comparator.comparing(PendingTransaction::since).thenComparing(PendingTransaction::id));
        return List.copyOf(pending.subList(0, Math.min(limit, pending.size())));
    }

    private PendingTransaction pendingTransaction(String txId, long sinceMillis, long now) {
        byte[] prefix = KeySpace.txRecords(txId);
        Set<String> participants = new LinkedHashSet<>();
        Set<String> writes = new TreeSet<>();
        forEach(prefix, Keys.prefixEnd(prefix), kv -> {
            byte[] key = kv.key();
            byte kind = key[prefix.length];
            if (kind == KeySpace.TX_WRITE) {
                writes.add(KeySpace.describeState(KeySpace.stateKeyOfTxWrite(txId, key)));
            } else {
                // P txId 0 kind R requestId 0 step(int)
                participants.add(new String(key, prefix.length + 2, key.length - prefix.length - 2 - 5, UTF_8));
            }
        });
        String coordinator = txId.substring(0, txId.lastIndexOf('/'));
        return new PendingTransaction(txId, coordinator, Instant.ofEpochMilli(sinceMillis), Math.max(0, now - sinceMillis),
                List.copyOf(participants), List.copyOf(writes));
    }

    private static String describe(TxStatus.State state) {
        return state.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    // ---- state --------------------------------------------------------------------------------

    /**
     * Persistent state of {@code service}'s {@code stateName}: the entry for {@code key} (a map's
     * string, integer or UUID key, or null for every entry of a map, or for a {@code PersistentValue}),
     * at most {@code limit} entries in key order.
     */
    public List<StateEntry> state(String service, String stateName, String key, int limit) {
        if (service.indexOf(0) >= 0 || stateName.indexOf(0) >= 0) {
            throw new IllegalArgumentException("service and state names contain no NUL character");
        }
        byte[] prefix = KeySpace.statePrefix(service, stateName);
        List<StateEntry> entries = new ArrayList<>();
        if (key == null) {
            forEach(prefix, Keys.prefixEnd(prefix), kv -> {
                if (entries.size() < limit) {
                    entries.add(new StateEntry(KeySpace.describeState(kv.key()), render(kv.value(), Integer.MAX_VALUE)));
                }
            }, limit);
            return entries;
        }
        for (byte[] encoded : candidateKeys(key)) {
            byte[] stateKey = KeySpace.concat(prefix, encoded);
            byte[] value = store.get(stateKey);
            if (value != null && entries.size() < limit) {
                entries.add(new StateEntry(KeySpace.describeState(stateKey), render(value, Integer.MAX_VALUE)));
            }
        }
        return entries;
    }

    /** The encodings {@code key} may have: as a string, and as a long, int or UUID when it reads as one. */
    private static List<byte[]> candidateKeys(String key) {
        List<byte[]> candidates = new ArrayList<>();
        candidates.add(KeyCodec.of(String.class, "", "").encode(key));
        try {
            long number = Long.parseLong(key);
            candidates.add(KeyCodec.of(Long.class, "", "").encode(number));
            if (number == (int) number) {
                candidates.add(KeyCodec.of(Integer.class, "", "").encode((int) number));
            }
        } catch (NumberFormatException notANumber) {
            // a string key only
        }
        try {
            candidates.add(KeyCodec.of(UUID.class, "", "").encode(UUID.fromString(key)));
        } catch (IllegalArgumentException notAUuid) {
            // a string key only
        }
        return candidates;
    }

    // ---- helpers ------------------------------------------------------------------------------

    /** A stored value as the codec renders it, or as text; cut to {@code max} characters. */
    private String render(byte[] bytes, int max) {
        String text;
        if (codec != null) {
            text = codec.toJson(bytes);
        } else {
            try {
                text = UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes)).toString();
            } catch (CharacterCodingException e) {
                text = "0x" + HexFormat.of().formatHex(bytes);
            }
        }
        return text.length() <= max ? text : text.substring(0, max) + "... (" + text.length() + " characters)";
    }

    /** Orders ids step by step, numerically: {@code r/2} before {@code r/10}. */
    private static int compareIds(String a, String b) {
        String[] left = a.split("/");
        String[] right = b.split("/");
        for (int i = 0; i < Math.min(left.length, right.length); i++) {
            int order = i == 0 ? left[i].compareTo(right[i]) : Integer.compare(step(left[i]), step(right[i]));
            if (order != 0) {
                return order;
            }
        }
        return Integer.compare(left.length, right.length);
    }

    private static int step(String segment) {
        try {
            return Integer.parseInt(segment);
        } catch (NumberFormatException e) {
            return Integer.MAX_VALUE;
        }
    }

    private void forEach(byte kind, Consumer<KeyValue> action) {
        forEach(KeySpace.rangeStart(kind), KeySpace.rangeEnd(kind), action);
    }

    private void forEach(byte[] from, byte[] end, Consumer<KeyValue> action) {
        forEach(from, end, action, Integer.MAX_VALUE);
    }

    /** Scans {@code [from, end)} in batches, stopping after {@code max} entries. */
    private void forEach(byte[] from, byte[] end, Consumer<KeyValue> action, int max) {
        int seen = 0;
        while (seen < max) {
            List<KeyValue> batch = store.scan(from, end, Math.min(BATCH, max - seen));
            batch.forEach(action);
            seen += batch.size();
            if (batch.size() < BATCH) {
                return;
            }
            byte[] last = batch.getLast().key();
            from = Arrays.copyOf(last, last.length + 1);
        }
    }
}
