package dev.mu2sls.core;

import dev.mu2sls.spi.Codec;
import dev.mu2sls.store.KeyValue;
import dev.mu2sls.store.Store;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A read-only view of what the engine stored, for operators' tools (the admin commands, the
 * gateway's console): requests with their status and response, one request's journal and calls,
 * pending transactions and their participants, persistent state. It decodes every stored format
 * the engine reads (docs/architecture.md, "Key layout" and "Stored formats") and writes nothing.
 *
 * <h2>What the store does and does not say</h2>
 * A request record keeps when the request started, how many deliveries persisted part of it,
 * its service and method, and while it runs when it last persisted a segment (all on the store
 * clock). It cannot count a delivery that crashed before its first commit, so the count is
 * (but for a rare lost commit reply) a lower bound of the deliveries that ran it. Records written before these were kept, and requests
 * only accepted so far, have no times. A completed request's journal is deleted with its
 * completion, so only running and quarantined requests show steps; its calls' records stay (with
 * their times, service and method) until its response expires. Service and method are known from
 * an acceptance record, the request's own record, its caller's journal (for a call) or a
 * gateway's request id ({@code Service.method:key}); else they are null.
 *
 * <h2>Cost</h2>
 * Lists scan a whole kind of record in batches of 1,000 records (never the whole range at once)
 * and keep at most {@code limit} results. Reads outside transactions: a listing taken while
 * requests run may mix moments, never shows anything that was not stored.
 *
 * <h2>For tests and checks</h2>
 * {@link #dumpState()}, {@link #requestCounts()} and {@link #transactionCounts()} read whole kinds
 * of record: what a spec comparison and the "nothing left behind" check ({@code AfterRunCheck})
 * compare. They live here, not on {@code Engine}, whose surface is what applications and
 * platforms need.
 *
 * <h2>Thread safety</h2>
 * Safe for concurrent use if the store is.
 */
public final class Inspector {
    private final RequestListing requests;
    private final TransactionListing transactions;
    private final StateListing state;
    private final StoreScan scan;
    private final InstantSource clock;

    /**
     * @param store the store the application's engines share
     * @param codec the application's codec, to render values as JSON; null renders them as text
     *     (or hex when they are not UTF-8)
     */
    public Inspector(Store store, Codec codec) {
        this.scan = new StoreScan(store);
        ValueRenderer values = new ValueRenderer(codec);
        this.clock = store.clock();
        this.transactions = new TransactionListing(scan, clock);
        this.requests = new RequestListing(scan, values, transactions, clock);
        this.state = new StateListing(scan, values);
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
     * @param startedAt when the first delivery that persisted part of it began (store clock; one
     *     that crashed before its first commit may have begun earlier), or null when the records
     *     do not say (only accepted, ended before any delivery persisted, or recorded by a build
     *     that kept no start)
     * @param endedAt when it ended (store clock), or null while open
     * @param elapsedMillis from {@code startedAt} to {@code endedAt}, or while open to the time of
     *     the listing (store clock); null without a start
     * @param deliveries how many deliveries persisted part of it: each counts once, with its first
     *     commit (twice in one corner: its commit's reply was lost and another delivery wrote over
     *     the record before it looked again); one that crashed before its first commit is not
     *     counted; 0 when none did or the records do not say
     * @param lastProgressAt while running, when its last segment was persisted (store clock): a
     *     request that makes progress persists again or ends; null otherwise or when not recorded
     * @param journalLength steps recorded by a running request, else 0
     * @param value the return value as JSON when {@link Status#COMPLETED}, else null
     * @param errorType the exception type when {@link Status#isFailure()}, else null
     * @param errorMessage the exception message or quarantine report when it failed, else null
     */
    public record Request(
            String id,
            Status status,
            String service,
            String method,
            Instant startedAt,
            Instant endedAt,
            Long elapsedMillis,
            int deliveries,
            Instant lastProgressAt,
            int journalLength,
            String value,
            String errorType,
            String errorMessage) {
        /** Whether this is a call made by another request ({@code parent/step}). */
        public boolean isCall() {
            return RequestIds.isCall(id);
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
    public record RequestDetail(
            Request request,
            String arguments,
            List<Step> journal,
            List<Request> calls,
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
    public record PendingTransaction(
            String id,
            String coordinator,
            Instant since,
            long ageMillis,
            List<String> participants,
            List<String> writes) {}

    /**
     * One persistent state entry.
     *
     * @param key its rendering, {@code Service.state["key"]} ({@code Service.state} for a value)
     * @param value the stored value as JSON (or text)
     */
    public record StateEntry(String key, String value) {}

    /**
     * What the store keeps about requests right now. With every request completed, journal chunks,
     * running requests and acceptance records must all be zero (they are dropped at completion).
     *
     * @param journalChunks journal chunks in the store, but those of quarantined requests
     * @param running requests started but not completed
     * @param completed recorded responses not yet expired, quarantined ones included
     * @param quarantined quarantined requests not yet expired (their journals stay for the operator)
     * @param accepted acceptance records of client requests not yet completed
     */
    public record RequestCounts(int journalChunks, int running, int completed, int quarantined, int accepted) {}

    /**
     * What the store holds about transactions right now. With no transaction running, there must be
     * no provisional records (no orphan intents) and no pending status.
     *
     * @param pending transactions with a pending status (participants persisted into them)
     * @param ended statuses of ended transactions kept for late participants
     * @param provisionalRecords provisional writes and recorded reads not yet applied or dropped
     */
    public record TransactionCounts(int pending, int ended, int provisionalRecords) {}

    /**
     * Requests that match {@code filter}: open ones first (in id order), then ended ones, most
     * recent first; at most {@code limit}.
     *
     * @param includeCalls whether calls between services ({@code parent/step}) are listed too
     */
    public List<Request> requests(Predicate<Request> filter, boolean includeCalls, int limit) {
        return requests.matching(filter, includeCalls, limit);
    }

    /** The request {@code id} with its journal, calls and transactions, or empty if nothing is recorded under it. */
    public Optional<RequestDetail> request(String id) {
        return requests.detail(id);
    }

    /** The store's clock now: the clock of every time the views show. */
    public Instant storeTime() {
        return clock.instant();
    }

    /** Transactions still pending, oldest first; at most {@code limit}. */
    public List<PendingTransaction> pendingTransactions(int limit) {
        return transactions.pending(limit);
    }

    /**
     * Persistent state of {@code service}'s {@code stateName}: the entry for {@code key} (a map's
     * string, integer or UUID key, or null for every entry of a map, or for a {@code PersistentValue}),
     * at most {@code limit} entries in key order, values whole.
     */
    public List<StateEntry> state(String service, String stateName, String key, int limit) {
        return state.entries(service, stateName, key, limit);
    }

    /**
     * Every persistent state entry of every service, rendered for comparison with a spec run:
     * {@code Service.state["key"]} to the value's JSON. Reads the whole state; for tests and tools.
     */
    public SortedMap<String, String> dumpState() {
        return state.all();
    }

    /**
     * Requests still to be re-driven or woken, by the application version that ran them
     * ({@link Invocation#version()}): acceptance records and timers (sleeps, sends not yet
     * delivered) that name one. A platform keeps a version's instances alive while it is named here.
     * Scans both kinds of record: for a platform's periodic check, not for each request.
     */
    public SortedMap<String, Integer> openRequestsByVersion() {
        SortedMap<String, Integer> byVersion = new TreeMap<>();
        Consumer<KeyValue> count = kv -> {
            String version = Invocation.decode(kv.key(), kv.value()).version();
            if (version != null) {
                byVersion.merge(version, 1, Integer::sum);
            }
        };
        scan.forEach(KeySpace.ACCEPTED, count);
        scan.forEach(KeySpace.TIMER, count);
        return byVersion;
    }

    /** Counts of request records, journal chunks and acceptance records; for "nothing left behind" checks. */
    public RequestCounts requestCounts() {
        return requests.counts();
    }

    /** Counts of transaction statuses and provisional records; for "nothing left behind" checks. */
    public TransactionCounts transactionCounts() {
        return transactions.counts();
    }
}
