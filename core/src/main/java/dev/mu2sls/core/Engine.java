package dev.mu2sls.core;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.mu2sls.InvalidRequestException;
import dev.mu2sls.InvalidRequestException.Reason;
import dev.mu2sls.NondeterminismException;
import dev.mu2sls.spi.Codec;
import dev.mu2sls.spi.MethodRef;
import dev.mu2sls.spi.ServiceDefinition;
import dev.mu2sls.store.CommitHold;
import dev.mu2sls.store.KeyValue;
import dev.mu2sls.store.Store;
import dev.mu2sls.store.TransactionBody;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;

/**
 * The invocation engine: runs one delivery of a request against the store with the guarantees
 * of its {@link Mode}. It does no I/O of its own: state goes through the {@link Store}, calls
 * to other services through the platform's {@link CallTransport}.
 *
 * <h2>Guarantees (mode EXACTLY_ONCE)</h2>
 * However many deliveries of one request id run, sequentially or concurrently, and wherever
 * they crash, the request's effects are those of one execution and every delivery that returns
 * gets that execution's {@link Response} (G1). Re-executions see the journaled values (G3).
 *
 * <h2>Errors</h2>
 * Bad input is rejected with {@link InvalidRequestException} before anything is read or written
 * (G6). A handler that diverges from its journal raises
 * {@link dev.mu2sls.NondeterminismException}; nothing of the divergent run is applied.
 * {@link InjectedCrash} propagates to the platform, which re-delivers.
 *
 * <h2>Thread safety</h2>
 * Safe for any number of concurrent deliveries.
 */
public final class Engine implements AutoCloseable {
    /** Replays because a read value changed, in a row, before an execution holds other commits back. */
    private static final int HOLD_COMMITS_AFTER_STALE_REPLAYS = 3;
    /** Largest accepted argument payload unless configured: 1 MiB. */
    public static final int DEFAULT_MAX_PAYLOAD_BYTES = 1 << 20;
    private static final int EXPIRY_BATCH = 512;
    /** State values cached per engine unless configured. */
    public static final int DEFAULT_STATE_CACHE_ENTRIES = 1 << 16;
    /** How long one execution may act unless configured: longer than any platform's execution timeout. */
    public static final Duration DEFAULT_MAX_EXECUTION_AGE = Duration.ofMinutes(15);
    /** The error type of a quarantined request's response when no report of the engine's own names one. */
    public static final String QUARANTINED = "dev.mu2sls.RequestQuarantined";
    private static final System.Logger LOG = System.getLogger(Engine.class.getName());

    private final Store store;
    private final Codec codec;
    private final CallTransport transport;
    private final FaultInjector faults;
    private final Entropy entropy;
    private final InstantSource clock;
    private final ExecutionListener listener;
    private final EngineObserver observer;
    private final Mode mode;
    private final Duration responseRetention;
    private final Duration maxExecutionAge;
    private final int maxPayloadBytes;
    private final Map<String, ServiceRuntime> services;
    private final ExecutorService asyncExecutor;

    private final LongAdder invocations = new LongAdder();
    private final LongAdder executions = new LongAdder();
    private final LongAdder replays = new LongAdder();
    private final LongAdder deduplicated = new LongAdder();
    private final LongAdder fenced = new LongAdder();
    private final LongAdder storeTransactions = new LongAdder();
    private final LongAdder storeReads = new LongAdder();
    private final LongAdder responsesExpired = new LongAdder();
    private final LongAdder transactionsCommitted = new LongAdder();
    private final LongAdder transactionsAborted = new LongAdder();
    private final LongAdder transactionConflicts = new LongAdder();
    private final LongAdder transactionsExpired = new LongAdder();
    private final LongAdder expired = new LongAdder();
    private final LongAdder quarantined = new LongAdder();
    private final Duration transactionLease;
    private final StateCache stateCache;

    private Engine(Builder builder) {
        this.store = builder.store;
        this.codec = builder.codec;
        this.observer = builder.observer;
        this.transport = observer.calls(builder.transport);
        this.asyncExecutor = observer.asyncCalls(Executors.newVirtualThreadPerTaskExecutor());
        this.faults = builder.faults;
        this.entropy = builder.entropy;
        this.clock = builder.clock != null ? builder.clock : builder.store.clock();
        this.listener = builder.listener;
        this.mode = builder.mode;
        this.responseRetention = builder.responseRetention;
        this.maxExecutionAge = builder.maxExecutionAge;
        this.maxPayloadBytes = builder.maxPayloadBytes;
        this.transactionLease = builder.transactionLease;
        this.stateCache = new StateCache(builder.stateCacheEntries);
        Map<String, ServiceRuntime> registered = new LinkedHashMap<>();
        for (ServiceDefinition definition : builder.services) {
            Object instance = definition.newInstance(new EngineState(definition.name(), codec, builder.maxPayloadBytes));
            if (registered.putIfAbsent(definition.name(), new ServiceRuntime(definition, instance)) != null) {
                throw new IllegalArgumentException("two services are named " + definition.name()
                        + "; service names must be unique (set @Service(name = ...))");
            }
        }
        this.services = Map.copyOf(registered);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs a client request as accepted (G4, G5): once it has any durable effect (a persisted
     * segment, a call sent), its acceptance record is durable too, and {@link #recover()} on the
     * next start re-drives it to completion if the process dies first. A first delivery
     * (attempt 0) writes that record with its first persist, so a request done in one segment
     * writes none; a request that crashed before its first persist left no trace, as if it never
     * arrived, and the platform's or client's retry runs it. A later attempt records the
     * acceptance before it runs. Platforms use it for client requests on durable stores; calls
     * between services need not (their callers re-drive them).
     *
     * @throws InvalidRequestException for bad input; nothing was recorded
     */
    public Response submit(Invocation invocation) {
        ServiceRuntime service = resolve(invocation.service(), invocation.method());
        checkRequest(invocation);
        if (invocation.requestId().length() > Limits.MAX_CLIENT_REQUEST_ID_LENGTH) {
            throw new InvalidRequestException(Reason.BAD_REQUEST_ID, invocation.service(), invocation.method(),
                    "client request id is " + invocation.requestId().length() + " characters, over the limit of "
                            + Limits.MAX_CLIENT_REQUEST_ID_LENGTH);
        }
        if (invocation.requestId().indexOf('/') >= 0) {
            throw new InvalidRequestException(Reason.BAD_REQUEST_ID, invocation.service(), invocation.method(),
                    "client request id '" + invocation.requestId() + "' contains '/', which only derived call ids use");
        }
        if (invocation.attempt() == 0) {
            // A first delivery is almost always fresh: its acceptance record goes with its first
            // persisted effect, and a request done in one segment (W1) needs none. A duplicate of
            // a completed request is found by the run, which answers with the recorded response.
            // The run validates the arguments before anything is written.
            return run(invocation, Execution.Acceptance.PENDING);
        }
        codec.decodeArguments(service.definition().method(invocation.method()), invocation.arguments());
        byte[] acceptedKey = KeySpace.accepted(invocation.requestId());
        byte[] record = invocation.encode();
        byte[] requestKey = KeySpace.request(invocation.requestId());
        byte[] digest = RequestRecord.digestOf(invocation);
        Response recorded = transact(tx -> {
            RequestRecord current = RequestRecord.decode(requestKey, tx.get(requestKey));
            if (current != null && !current.isFor(digest)) {
                throw reusedId(invocation);
            }
            if (current instanceof RequestRecord.Completed completed) {
                if (tx.get(acceptedKey) != null) {
                    tx.delete(acceptedKey); // written by an earlier delivery; a duplicate without one completed it
                }
                return completed.response();
            }
            if (tx.get(acceptedKey) == null) {
                tx.put(acceptedKey, record);
            }
            return null;
        });
        return recorded != null ? recorded : run(invocation, Execution.Acceptance.RECORDED);
    }

    /**
     * Re-drives every accepted request that did not complete (after a crash of the whole
     * process), and expires abandoned transactions. Platforms call it on start, with the store's
     * other users already running or not; re-driving is safe either way (G1).
     *
     * @return the number of requests re-driven
     */
    public int recover() {
        return recover(invocation -> run(invocation, Execution.Acceptance.RECORDED));
    }

    /** Re-drives one accepted request; a request that fails is logged and left for the next recovery. */
    private boolean redrive(CallTransport redrive, Invocation invocation) {
        try {
            redrive.call(invocation);
            return true;
        } catch (InvalidRequestException unrunnable) {
            // the application no longer has its service or method, or its arguments no longer decode
            quarantine(invocation, InvalidRequestException.class.getName(), unrunnable.getMessage());
            return false;
        } catch (RuntimeException failed) {
            LOG.log(System.Logger.Level.WARNING, "recovery: request {0} ({1}.{2}) failed this time and stays accepted: {3}",
                    invocation.requestId(), invocation.service(), invocation.method(), failed.toString());
            return false;
        }
    }

    /**
     * Like {@link #recover()}, but hands each accepted request to {@code redrive} instead of
     * running it here: for platforms whose services run in other processes, which route it to an
     * instance that runs it as an accepted request (so that its completion drops the acceptance
     * record). Invocations carry attempt 1.
     *
     * One request that cannot run (it diverges on replay, or its method is gone) is quarantined,
     * and one that fails this time stays accepted for the next recovery: neither stops the others.
     *
     * @return the number of requests re-driven
     */
    public int recover(CallTransport redrive) {
        int redriven = 0;
        byte[] from = KeySpace.rangeStart(KeySpace.ACCEPTED);
        byte[] end = KeySpace.rangeEnd(KeySpace.ACCEPTED);
        while (true) {
            List<KeyValue> batch = scanStore(from, end, EXPIRY_BATCH);
            for (KeyValue accepted : batch) {
                Invocation invocation = Invocation.decode(accepted.key(), accepted.value());
                if (redrive(redrive, invocation.withAttempt(1))) {
                    redriven++;
                }
            }
            if (batch.size() < EXPIRY_BATCH) {
                break;
            }
            byte[] last = batch.getLast().key();
            from = Arrays.copyOf(last, last.length + 1);
        }
        expireTransactions();
        return redriven;
    }

    /**
     * Runs one delivery of {@code invocation} and returns the request's recorded response.
     *
     * @throws InvalidRequestException for bad input; nothing was changed
     * @throws dev.mu2sls.NondeterminismException if a re-execution diverged from the journal
     * @throws InjectedCrash if the fault plan crashed this delivery; the platform re-delivers
     */
    public Response invoke(Invocation invocation) {
        return run(invocation, Execution.Acceptance.NONE);
    }

    private Response run(Invocation invocation, Execution.Acceptance acceptance) {
        return observer.delivery(invocation, () -> runObserved(invocation, acceptance));
    }

    private Response runObserved(Invocation invocation, Execution.Acceptance acceptance) {
        invocations.increment();
        ServiceRuntime service = resolve(invocation.service(), invocation.method());
        MethodRef method = service.definition().method(invocation.method());
        checkRequest(invocation);
        Object[] args = codec.decodeArguments(method, invocation.arguments());
        if (mode == Mode.UNSAFE) {
            executions.increment();
            return new UnsafeExecution(this, invocation, service, method).run(args);
        }
        AsyncCalls calls = new AsyncCalls(transport, asyncExecutor);
        byte[] digest = RequestRecord.digestOf(invocation);
        long deadline = deadlineOf(invocation);
        // A first delivery is almost always a fresh request: it skips the read of its request
        // record (one store round trip) and finds a duplicate when it persists or calls.
        Object loaded = invocation.attempt() == 0 ? StoredJournal.UNCHECKED : load(invocation, digest);
        int staleReplays = 0;
        while (true) {
            if (loaded instanceof Response recorded) {
                deduplicated.increment();
                return settled(invocation, acceptance, recorded);
            }
            // An execution whose reads keep changing before it persists them (a long read of a
            // range that short writers keep changing: W6's audit) holds other commits back for
            // its next segment, so that nothing of this process overtakes it again.
            CommitHold hold = staleReplays >= HOLD_COMMITS_AFTER_STALE_REPLAYS ? store.holdCommits() : CommitHold.NONE;
            Execution execution = new Execution(this, invocation, service, method, digest, deadline, (StoredJournal) loaded,
                    calls, acceptance, hold);
            executions.increment();
            EngineObserver.Attempt attempt = observer.attemptStarted(invocation);
            try {
                Response response = execution.run(args);
                attempt.completed();
                return response;
            } catch (ControlFlow.Fenced stopped) {
                fenced.increment();
                attempt.fenced();
                return settled(invocation, acceptance, stopped.response);
            } catch (ControlFlow.Expired stopped) {
                expired.increment();
                throw new ExecutionExpiredException(invocation.requestId(), deadline);
            } catch (NondeterminismException diverged) {
                return quarantine(invocation, NondeterminismException.class.getName(), diverged.getMessage());
            } catch (ControlFlow.ReplayRequired replay) {
                replays.increment();
                attempt.replayed();
                staleReplays = replay.reload ? 0 : staleReplays + 1;
                loaded = replay.reload ? load(invocation, digest) : execution.persisted();
                args = codec.decodeArguments(method, invocation.arguments());
            } finally {
                hold.release();
                attempt.close();
            }
        }
    }

    /**
     * The store-clock time after which executions of this delivery act no more: the caller's for
     * a call (so a zombie's calls inherit its bound), else the maximum age from now (A6).
     */
    private long deadlineOf(Invocation invocation) {
        long own = clock.millis() + maxExecutionAge.toMillis();
        return invocation.deadlineMillis() == 0 ? own : Math.min(own, invocation.deadlineMillis());
    }

    /**
     * Ends a request that cannot complete: it diverges on replay (a code change, a handler that is
     * not deterministic), or a platform gave up re-delivering it. Its record becomes a quarantined
     * response carrying the report, which every later delivery gets; its acceptance record is
     * dropped so that recovery goes on without it; its journal stays for the operator until the
     * response expires. What its earlier segments applied stays applied. A request that completed
     * meanwhile keeps its response.
     *
     * @param errorType the error type clients see (e.g. {@link #QUARANTINED})
     * @return the request's response from now on
     */
    public Response quarantine(Invocation invocation, String errorType, String report) {
        byte[] requestKey = KeySpace.request(invocation.requestId());
        byte[] digest = RequestRecord.digestOf(invocation);
        Response failure = Response.failure(errorType, "request " + invocation.requestId() + " (" + invocation.service() + "."
                + invocation.method() + ") was quarantined: " + report);
        Response response = transact(tx -> {
            RequestRecord current = RequestRecord.decode(requestKey, tx.get(requestKey));
            tx.delete(KeySpace.accepted(invocation.requestId()));
            if (current instanceof RequestRecord.Completed completed) {
                return completed.response();
            }
            tx.put(requestKey, RequestRecord.completed(current == null || current.digest() == null ? digest : current.digest(),
                    clock.millis(), 0, true, failure));
            return failure;
        });
        if (response == failure) {
            quarantined.increment();
            observer.requestQuarantined(invocation, report);
            LOG.log(System.Logger.Level.WARNING, "quarantined request {0} ({1}.{2}): {3}", invocation.requestId(),
                    invocation.service(), invocation.method(), report);
        }
        return response;
    }

    static InvalidRequestException reusedId(Invocation invocation) {
        return new InvalidRequestException(Reason.IDEMPOTENCY_KEY_REUSED, invocation.service(), invocation.method(),
                "request id '" + invocation.requestId() + "' was already used for another request (another service, "
                        + "method or arguments); a retry must send the same request, and a new request needs a new id");
    }

    /**
     * Another execution completed a client request: its acceptance record, if one was written
     * (by any delivery), is done with.
     */
    private Response settled(Invocation invocation, Execution.Acceptance acceptance, Response response) {
        if (acceptance != Execution.Acceptance.NONE) {
            byte[] acceptedKey = KeySpace.accepted(invocation.requestId());
            transact(tx -> {
                tx.delete(acceptedKey);
                return null;
            });
        }
        return response;
    }

    /**
     * The recorded response of a completed request, or its persisted journal. The journal is read
     * in a transaction with the request record: a scan outside one could see a completion's
     * deletions half applied and return a journal with a hole.
     */
    Object load(Invocation invocation, byte[] digest) {
        String requestId = invocation.requestId();
        byte[] requestKey = KeySpace.request(requestId);
        RequestRecord record = RequestRecord.decode(requestKey, readStore(requestKey));
        if (record == null || record instanceof RequestRecord.Running running && running.journalLength() == 0) {
            if (record != null && !record.isFor(digest)) {
                throw reusedId(invocation);
            }
            return StoredJournal.EMPTY;
        }
        // Read in a transaction: a durable store's commit waits until what it read is durable, so
        // a duplicate is never answered with a response a crash could still lose.
        Object loaded = transact(tx -> {
            RequestRecord current = RequestRecord.decode(requestKey, tx.get(requestKey));
            if (current != null && !current.isFor(digest)) {
                throw reusedId(invocation);
            }
            if (current instanceof RequestRecord.Completed completed) {
                return completed.response();
            }
            List<KeyValue> chunks = tx.scan(KeySpace.journalPrefix(requestId), KeySpace.journalEnd(requestId), Integer.MAX_VALUE);
            List<JournalEntry> entries = new ArrayList<>();
            List<byte[]> chunkKeys = new ArrayList<>(chunks.size());
            for (KeyValue chunk : chunks) {
                JournalCodec.decodeInto(chunk.key(), chunk.value(), entries);
                chunkKeys.add(chunk.key());
            }
            int expected = current == null ? 0 : ((RequestRecord.Running) current).journalLength();
            // Reads before commit may be inconsistent; only a committed (validated) mismatch is real.
            return entries.size() == expected ? new StoredJournal(entries, chunkKeys)
                    : new IllegalStateException("request " + requestId + " has " + entries.size()
                            + " journaled steps but its record says " + expected + "; the store lost journal chunks");
        });
        if (loaded instanceof IllegalStateException corrupt) {
            throw corrupt;
        }
        return loaded;
    }


    /**
     * Resolves a service and method by name, as call-by-name does.
     *
     * @throws InvalidRequestException naming the unknown service or method and what exists
     */
    public ServiceDefinition resolve(String serviceName) {
        return runtime(serviceName).definition();
    }

    private ServiceRuntime runtime(String serviceName) {
        ServiceRuntime service = services.get(serviceName);
        if (service == null) {
            throw new InvalidRequestException(Reason.UNKNOWN_SERVICE, serviceName, null,
                    "unknown service '" + serviceName + "'; this application has " + services.keySet());
        }
        return service;
    }

    private ServiceRuntime resolve(String serviceName, String methodName) {
        ServiceRuntime service = runtime(serviceName);
        if (service.definition().method(methodName) == null) {
            List<String> methods = service.definition().methods().stream().map(MethodRef::method).toList();
            throw new InvalidRequestException(Reason.UNKNOWN_METHOD, serviceName, methodName,
                    "service " + serviceName + " has no method '" + methodName + "'; it has " + methods);
        }
        return service;
    }

    private void checkRequest(Invocation invocation) {
        String id = invocation.requestId();
        if (id.isEmpty() || id.length() > Limits.MAX_REQUEST_ID_LENGTH || id.indexOf('\0') >= 0) {
            throw new InvalidRequestException(Reason.BAD_REQUEST_ID, invocation.service(), invocation.method(),
                    "request id must be 1 to " + Limits.MAX_REQUEST_ID_LENGTH + " characters without NUL; got "
                            + id.length() + " characters");
        }
        if (invocation.arguments().length > maxPayloadBytes) {
            throw new InvalidRequestException(Reason.PAYLOAD_TOO_LARGE, invocation.service(), invocation.method(),
                    "arguments of " + invocation.service() + "." + invocation.method() + " are "
                            + invocation.arguments().length + " bytes, over the limit of " + maxPayloadBytes
                            + " bytes; send smaller values or raise maxPayloadBytes");
        }
    }

    /**
     * Drops recorded responses once no execution can consult them any more, with everything kept
     * for their requests (docs/architecture.md, "What the engine deletes"). Platforms call it
     * periodically (about every tenth of the retention); it sweeps the request records in batches.
     *
     * <p>A response is kept for the retention plus twice the maximum execution age (A5, A6): a
     * duplicate that arrives within the retention, and every execution it starts, acts before
     * then. A client request's record goes together with the records of every call, transaction
     * and journal under its id, which live as long as it does: a request still running may still
     * re-send its calls. Records of calls whose client request left no record of its own (it made
     * only calls, on a platform that does not record acceptance) expire on their own clock.
     *
     * @return the number of responses dropped
     */
    public int expireResponses() {
        long cutoff = expiryCutoff();
        int total = 0;
        byte[] from = KeySpace.rangeStart(KeySpace.REQUEST);
        byte[] end = KeySpace.rangeEnd(KeySpace.REQUEST);
        while (true) {
            List<KeyValue> batch = scanStore(from, end, EXPIRY_BATCH);
            for (KeyValue kv : batch) {
                if (RequestRecord.decode(kv.key(), kv.value()) instanceof RequestRecord.Completed completed
                        && completed.completedAtMillis() < cutoff) {
                    total += transact(tx -> RequestTree.expire(tx, KeySpace.requestIdOf(kv.key()), cutoff));
                }
            }
            if (batch.size() < EXPIRY_BATCH) {
                responsesExpired.add(total);
                return total;
            }
            byte[] last = batch.getLast().key();
            from = Arrays.copyOf(last, last.length + 1);
        }
    }

    /** Records that ended before this store-clock time may be dropped (A5, A6). */
    private long expiryCutoff() {
        return clock.millis() - responseRetention.toMillis() - 2 * maxExecutionAge.toMillis();
    }

    /**
     * Aborts transactions abandoned past their lease (a coordinator that crashed and was never
     * re-executed) and drops their provisional records. Abandoned transactions block no one in the
     * meantime (their writes are provisional); this reclaims space. Platforms call it periodically.
     * The status of an ended transaction stays as long as its client request's response, with which
     * {@link #expireResponses()} drops it: a participant that stalled past the lease must still find
     * it ended, never start it afresh.
     *
     * @return the number of transactions expired
     */
    public int expireTransactions() {
        long now = clock.millis();
        long pendingBefore = now - transactionLease.toMillis();
        long cutoff = expiryCutoff();
        int expiredNow = 0;
        int pending = 0;
        byte[] from = KeySpace.rangeStart(KeySpace.TX_STATUS);
        byte[] end = KeySpace.rangeEnd(KeySpace.TX_STATUS);
        while (true) {
            List<KeyValue> batch = scanStore(from, end, EXPIRY_BATCH);
            for (KeyValue kv : batch) {
                TxStatus status = TxStatus.decode(kv.key(), kv.value());
                String txId = KeySpace.txIdOf(kv.key());
                if (status.state() == TxStatus.State.PENDING && status.atMillis() < pendingBefore) {
                    if (transact(tx -> TxWrites.expire(tx, txId, pendingBefore, now))) {
                        expiredNow++;
                    }
                } else if (status.state() == TxStatus.State.PENDING) {
                    pending++;
                } else if (status.state().ended() && status.atMillis() < cutoff) {
                    transact(tx -> RequestTree.expireOrphanStatus(tx, txId, cutoff));
                }
            }
            if (batch.size() < EXPIRY_BATCH) {
                transactionsExpired.add(expiredNow);
                observer.pendingTransactions(pending);
                return expiredNow;
            }
            byte[] last = batch.getLast().key();
            from = Arrays.copyOf(last, last.length + 1);
        }
    }

    /**
     * Every persistent state entry of every service, rendered for comparison with a spec run:
     * {@code Service.state["key"]} to the value's JSON. Reads the whole state; for tests and tools.
     */
    public SortedMap<String, String> dumpState() {
        SortedMap<String, String> state = new TreeMap<>();
        for (KeyValue kv : store.scan(KeySpace.rangeStart(KeySpace.STATE), KeySpace.rangeEnd(KeySpace.STATE), Integer.MAX_VALUE)) {
            state.put(KeySpace.describeState(kv.key()), codec.toJson(kv.value()));
        }
        return state;
    }

    /**
     * What the engine keeps about requests right now: journal chunks, requests still running,
     * recorded responses. With every request completed, the first two must be zero (journals are
     * dropped at completion).
     */
    public RequestCounts requestCounts() {
        int journalChunks = store.scan(KeySpace.rangeStart(KeySpace.JOURNAL), KeySpace.rangeEnd(KeySpace.JOURNAL), Integer.MAX_VALUE).size();
        int running = 0;
        int completed = 0;
        int quarantinedNow = 0;
        for (KeyValue kv : store.scan(KeySpace.rangeStart(KeySpace.REQUEST), KeySpace.rangeEnd(KeySpace.REQUEST), Integer.MAX_VALUE)) {
            if (RequestRecord.decode(kv.key(), kv.value()) instanceof RequestRecord.Completed ended) {
                completed++;
                if (ended.quarantined()) {
                    quarantinedNow++;
                    String requestId = KeySpace.requestIdOf(kv.key());
                    // kept for the operator until the response expires: not left behind
                    journalChunks -= store.scan(KeySpace.journalPrefix(requestId), KeySpace.journalEnd(requestId),
                            Integer.MAX_VALUE).size();
                }
            } else {
                running++;
            }
        }
        return new RequestCounts(journalChunks, running, completed, quarantinedNow);
    }

    /**
     * What the store holds about transactions right now. With no transaction running, there must be
     * no provisional records (no orphan intents) and no pending status.
     */
    public TransactionCounts transactionCounts() {
        int pending = 0;
        int ended = 0;
        for (KeyValue kv : store.scan(KeySpace.rangeStart(KeySpace.TX_STATUS), KeySpace.rangeEnd(KeySpace.TX_STATUS), Integer.MAX_VALUE)) {
            if (TxStatus.decode(kv.key(), kv.value()).state().ended()) {
                ended++;
            } else {
                pending++;
            }
        }
        int provisional = store.scan(KeySpace.rangeStart(KeySpace.TX_RECORDS), KeySpace.rangeEnd(KeySpace.TX_RECORDS),
                Integer.MAX_VALUE).size();
        return new TransactionCounts(pending, ended, provisional);
    }

    /**
     * @param pending transactions with a pending status (participants persisted into them)
     * @param ended statuses of ended transactions kept for late participants
     * @param provisionalRecords provisional writes and recorded reads not yet applied or dropped
     */
    public record TransactionCounts(int pending, int ended, int provisionalRecords) {}

    /**
     * @param journalChunks journal chunks in the store, but those of quarantined requests
     * @param running requests started but not completed
     * @param completed recorded responses not yet expired, quarantined ones included
     * @param quarantined quarantined requests not yet expired (their journals stay for the operator)
     */
    public record RequestCounts(int journalChunks, int running, int completed, int quarantined) {}

    /** Counters since start. */
    public EngineStats stats() {
        return new EngineStats(invocations.sum(), executions.sum(), replays.sum(), deduplicated.sum(),
                fenced.sum(), storeTransactions.sum(), storeReads.sum(), responsesExpired.sum(),
                transactionsCommitted.sum(), transactionsAborted.sum(), transactionConflicts.sum(), transactionsExpired.sum(),
                stateCache.hits(), stateCache.staleHits(), expired.sum(), quarantined.sum());
    }

    /** The services this engine runs, by name. */
    public Map<String, ServiceDefinition> services() {
        Map<String, ServiceDefinition> definitions = new LinkedHashMap<>();
        services.forEach((name, runtime) -> definitions.put(name, runtime.definition()));
        return definitions;
    }

    public Mode mode() {
        return mode;
    }

    /** How long a transaction may stay pending before {@link #expireTransactions()} aborts it. */
    public Duration transactionLease() {
        return transactionLease;
    }

    /** How long a recorded response is kept ({@link #expireResponses()} drops older ones). */
    public Duration responseRetention() {
        return responseRetention;
    }

    public Codec codec() {
        return codec;
    }

    @Override
    public void close() {
        asyncExecutor.shutdownNow();
    }

    // ---- for executions ------------------------------------------------------------------------

    <T> T transact(TransactionBody<T> body) {
        return observer.storeCommit(() -> store.run(tx -> {
            storeTransactions.increment();
            return body.apply(tx);
        }));
    }

    byte[] readStore(byte[] key) {
        storeReads.increment();
        return store.get(key);
    }

    /** A handler's read of persistent state, which its segment validates when it persists. */
    byte[] readState(byte[] key) {
        return stateCache.read(key, this::readStore);
    }

    StateCache stateCache() {
        return stateCache;
    }

    List<KeyValue> scanStore(byte[] from, byte[] to, int limit) {
        storeReads.increment();
        return store.scan(from, to, limit);
    }

    CallTransport transport() {
        return transport;
    }

    FaultInjector faults() {
        return faults;
    }

    Entropy entropy() {
        return entropy;
    }

    ExecutionListener listener() {
        return listener;
    }

    void transactionEnded(Invocation invocation, String transactionId, int step, TxOutcome outcome, long startedNanos) {
        EngineObserver.TransactionOutcome observed = switch (outcome) {
            case COMMITTED -> {
                transactionsCommitted.increment();
                yield EngineObserver.TransactionOutcome.COMMITTED;
            }
            case CONFLICT -> {
                transactionConflicts.increment();
                yield EngineObserver.TransactionOutcome.CONFLICT;
            }
            case ABORTED, ABORTED_BY_PARTICIPANT -> {
                transactionsAborted.increment();
                yield EngineObserver.TransactionOutcome.ABORTED;
            }
        };
        observer.transactionEnded(invocation, transactionId, step, observed, startedNanos);
    }

    long clockMillis() {
        return clock.millis();
    }

    /** Configures an {@link Engine}; everything is registered before start (fail fast after). */
    public static final class Builder {
        private Store store;
        private Codec codec;
        private CallTransport transport;
        private FaultInjector faults = FaultInjector.NONE;
        private Entropy entropy = Entropy.system();
        private InstantSource clock;
        private ExecutionListener listener = ExecutionListener.NONE;
        private EngineObserver observer = EngineObserver.NONE;
        private Mode mode = Mode.FULL;
        private Duration transactionLease = Duration.ofSeconds(30);
        private Duration responseRetention = Duration.ofHours(24);
        private Duration maxExecutionAge = DEFAULT_MAX_EXECUTION_AGE;
        private int maxPayloadBytes = DEFAULT_MAX_PAYLOAD_BYTES;
        private int stateCacheEntries = DEFAULT_STATE_CACHE_ENTRIES;
        private final List<ServiceDefinition> services = new ArrayList<>();

        private Builder() {}

        /** The store all services share (required). */
        public Builder store(Store store) {
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }

        /** The value codec (required; {@code mu2sls-json} provides one). */
        public Builder codec(Codec codec) {
            this.codec = Objects.requireNonNull(codec, "codec");
            return this;
        }

        /** How calls to other services are delivered (required when services call each other). */
        public Builder transport(CallTransport transport) {
            this.transport = Objects.requireNonNull(transport, "transport");
            return this;
        }

        public Builder faults(FaultInjector faults) {
            this.faults = Objects.requireNonNull(faults, "faults");
            return this;
        }

        public Builder entropy(Entropy entropy) {
            this.entropy = Objects.requireNonNull(entropy, "entropy");
            return this;
        }

        /**
         * The clock for deadlines, completion times, retention and leases (default: the store's,
         * the one clock every process sharing the store agrees on).
         */
        public Builder clock(InstantSource clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public Builder listener(ExecutionListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** What the engine reports its work to, for metrics, traces and logs (default none). */
        public Builder observer(EngineObserver observer) {
            this.observer = Objects.requireNonNull(observer, "observer");
            return this;
        }

        public Builder mode(Mode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** How long a recorded response is kept for deduplication (default 24 hours). */
        public Builder responseRetention(Duration retention) {
            if (retention.isNegative() || retention.isZero()) {
                throw new IllegalArgumentException("response retention must be positive: " + retention);
            }
            this.responseRetention = retention;
            return this;
        }

        /**
         * How long one execution may act (default 15 minutes): past it, it persists nothing and
         * sends no call, and the platform's next delivery starts afresh (A6). Must exceed the
         * platform's execution timeout, or long handlers never finish.
         */
        public Builder maxExecutionAge(Duration age) {
            if (age.isNegative() || age.isZero()) {
                throw new IllegalArgumentException("maximum execution age must be positive: " + age);
            }
            this.maxExecutionAge = age;
            return this;
        }

        /**
         * How long a transaction may stay pending before {@link #expireTransactions()} aborts it as
         * abandoned (default 30 s). Abandoned transactions block no one meanwhile; the lease only
         * bounds how long their provisional records are kept.
         */
        public Builder transactionLease(Duration lease) {
            if (lease.isNegative() || lease.isZero()) {
                throw new IllegalArgumentException("transaction lease must be positive: " + lease);
            }
            this.transactionLease = lease;
            return this;
        }

        /** Largest accepted argument payload in bytes (default 1 MiB). */
        public Builder maxPayloadBytes(int maxPayloadBytes) {
            if (maxPayloadBytes <= 0) {
                throw new IllegalArgumentException("maximum payload must be positive: " + maxPayloadBytes);
            }
            this.maxPayloadBytes = maxPayloadBytes;
            return this;
        }

        /**
         * How many state values the engine keeps from its own reads and commits, to serve reads
         * without the store (default 65,536; 0 turns the cache off). A cached value another
         * instance has since overwritten is found stale when the read is validated, and the
         * execution replays; where that keeps happening the cache pauses itself. Correctness does
         * not depend on it.
         */
        public Builder stateCacheEntries(int entries) {
            if (entries < 0) {
                throw new IllegalArgumentException("state cache entries must be 0 (off) or positive: " + entries);
            }
            this.stateCacheEntries = entries;
            return this;
        }

        public Builder service(ServiceDefinition definition) {
            services.add(Objects.requireNonNull(definition, "definition"));
            return this;
        }

        public Builder services(Iterable<? extends ServiceDefinition> definitions) {
            definitions.forEach(this::service);
            return this;
        }

        /** Registers every service generated on the class path ({@code META-INF/services}). */
        public Builder discoverServices() {
            ServiceLoader.load(ServiceDefinition.class).forEach(this::service);
            return this;
        }

        public Engine build() {
            if (store == null) {
                throw new IllegalStateException("an engine needs a store: call store(...)");
            }
            if (codec == null) {
                throw new IllegalStateException("an engine needs a codec: call codec(...), e.g. with JsonCodec from mu2sls-json");
            }
            if (services.isEmpty()) {
                throw new IllegalStateException("an engine needs at least one service: call service(...) or discoverServices()");
            }
            if (transport == null) {
                transport = invocation -> {
                    throw new IllegalStateException("no call transport configured; "
                            + invocation.service() + "." + invocation.method() + " cannot be reached");
                };
            }
            return new Engine(this);
        }
    }
}
