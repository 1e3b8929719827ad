package dev.mu2sls.core;

import dev.mu2sls.core.Inspector.Request;
import dev.mu2sls.core.Inspector.Status;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Requests as their records show them, read for the {@link Inspector}. */
final class RequestListing {
    private static final Pattern GATEWAY_ID =
            Pattern.compile("([\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}]*)\\."
                    + "([\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}]*):.+");

    private final StoreScan scan;
    private final ValueRenderer values;
    private final JournalRenderer journals;
    private final TransactionListing transactions;
    /** The store's clock: how long an open request has been running is measured on it. */
    private final InstantSource clock;

    RequestListing(StoreScan scan, ValueRenderer values, TransactionListing transactions, InstantSource clock) {
        this.scan = scan;
        this.clock = clock;
        this.values = values;
        this.journals = new JournalRenderer(scan, values);
        this.transactions = transactions;
    }

    /** See {@link Inspector#requests}. */
    List<Request> matching(Predicate<Request> filter, boolean includeCalls, int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative: " + limit);
        }
        long now = clock.millis();
        Map<String, Invocation> accepted = new HashMap<>();
        scan.forEach(KeySpace.ACCEPTED, kv -> {
            Invocation invocation = Invocation.decode(kv.key(), kv.value());
            accepted.put(invocation.requestId(), invocation);
        });
        List<Request> open = new ArrayList<>();
        Comparator<Request> byEnd = Comparator.comparing(Request::endedAt).thenComparing(Request::id);
        PriorityQueue<Request> latestEnded = new PriorityQueue<>(byEnd); // its head is the oldest kept
        scan.forEach(KeySpace.REQUEST, kv -> {
            String id = KeySpace.requestIdOf(kv.key());
            if (!includeCalls && RequestIds.isCall(id)) {
                return;
            }
            Request request = request(id, RequestRecord.decode(kv.key(), kv.value()), accepted.remove(id), null, now);
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
            Request request = request(invocation.requestId(), null, invocation, null, now);
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

    /** See {@link Inspector#request(String)}. */
    Optional<Inspector.RequestDetail> detail(String id) {
        long now = clock.millis();
        byte[] requestKey = KeySpace.request(id);
        RequestRecord record = RequestRecord.decode(requestKey, scan.get(requestKey));
        byte[] acceptedKey = KeySpace.accepted(id);
        byte[] acceptedBytes = scan.get(acceptedKey);
        Invocation invocation = acceptedBytes == null ? null : Invocation.decode(acceptedKey, acceptedBytes);
        if (record == null && invocation == null) {
            return Optional.empty();
        }
        Map<String, String> calledMethods = new HashMap<>();
        List<Inspector.Step> journal = journals.steps(id, calledMethods);
        Map<String, RequestRecord> callRecords = new HashMap<>();
        scan.forEach(KeySpace.request(id + "/"), KeySpace.request(id + "0"), kv -> {
            String callId = KeySpace.requestIdOf(kv.key());
            RequestRecord callRecord = RequestRecord.decode(kv.key(), kv.value());
            callRecords.put(callId, callRecord);
            if (callRecord instanceof RequestRecord.Running
                    || callRecord instanceof RequestRecord.Completed c && c.quarantined()) {
                journals.steps(callId, calledMethods); // learns what its own calls called
            }
        });
        List<Request> calls = new ArrayList<>(callRecords.size());
        callRecords.forEach(
                (callId, callRecord) -> calls.add(request(callId, callRecord, null, calledMethods.get(callId), now)));
        calls.sort(Comparator.comparing(Request::id, RequestIds::compare));
        String arguments = invocation == null ? null : values.brief(invocation.arguments());
        return Optional.of(new Inspector.RequestDetail(
                request(id, record, invocation, null, now), arguments, journal, calls, transactions.begunBy(id)));
    }

    /**
     * {@code id} as its records show it, at store-clock time {@code nowMillis}: service and method
     * from its acceptance record, its own record, its caller's journal or a gateway id, in that order.
     */
    private Request request(
            String id, RequestRecord record, Invocation invocation, String calledMethod, long nowMillis) {
        String service = null;
        String method = null;
        RunInfo run = record == null ? null : record.run();
        if (invocation != null) {
            service = invocation.service();
            method = invocation.method();
        } else if (run != null) {
            service = run.service();
            method = run.method();
        } else if (calledMethod != null) {
            int dot = calledMethod.lastIndexOf('.');
            service = calledMethod.substring(0, dot);
            method = calledMethod.substring(dot + 1);
        } else if (!RequestIds.isCall(id)) {
            Matcher gateway = GATEWAY_ID.matcher(id);
            if (gateway.matches()) {
                service = gateway.group(1);
                method = gateway.group(2);
            }
        }
        Instant startedAt = run == null || run.startedAtMillis() == RunInfo.UNKNOWN_START
                ? null
                : Instant.ofEpochMilli(run.startedAtMillis());
        int deliveries = run == null ? 0 : run.deliveries();
        return switch (record) {
            case null ->
                new Request(id, Status.ACCEPTED, service, method, null, null, null, 0, null, 0, null, null, null);
            case RequestRecord.Running running ->
                new Request(
                        id,
                        Status.RUNNING,
                        service,
                        method,
                        startedAt,
                        null,
                        startedAt == null ? null : nowMillis - startedAt.toEpochMilli(),
                        deliveries,
                        run == null ? null : Instant.ofEpochMilli(running.persistedAtMillis()),
                        running.journalLength(),
                        null,
                        null,
                        null);
            case RequestRecord.Completed completed -> {
                Response response = completed.response();
                Status status =
                        completed.quarantined() ? Status.QUARANTINED : response.ok() ? Status.COMPLETED : Status.FAILED;
                yield new Request(
                        id,
                        status,
                        service,
                        method,
                        startedAt,
                        Instant.ofEpochMilli(completed.completedAtMillis()),
                        startedAt == null ? null : completed.completedAtMillis() - startedAt.toEpochMilli(),
                        deliveries,
                        null,
                        0,
                        response.ok() ? values.brief(response.value()) : null,
                        response.errorType(),
                        response.errorMessage());
            }
        };
    }

    /** What the store keeps about requests right now. */
    Inspector.RequestCounts counts() {
        List<RequestRecord> records = new ArrayList<>();
        List<String> quarantinedIds = new ArrayList<>();
        scan.forEach(KeySpace.REQUEST, kv -> {
            RequestRecord record = RequestRecord.decode(kv.key(), kv.value());
            records.add(record);
            if (record instanceof RequestRecord.Completed ended && ended.quarantined()) {
                quarantinedIds.add(KeySpace.requestIdOf(kv.key()));
            }
        });
        int completed = (int) records.stream()
                .filter(RequestRecord.Completed.class::isInstance)
                .count();
        int journalChunks = scan.count(KeySpace.JOURNAL);
        for (String requestId : quarantinedIds) { // kept for the operator until the response expires: not left behind
            journalChunks -= scan.count(KeySpace.journalPrefix(requestId), KeySpace.journalEnd(requestId));
        }
        return new Inspector.RequestCounts(
                journalChunks,
                records.size() - completed,
                completed,
                quarantinedIds.size(),
                scan.count(KeySpace.ACCEPTED));
    }
}
