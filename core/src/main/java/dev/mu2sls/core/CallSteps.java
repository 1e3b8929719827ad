package dev.mu2sls.core;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.mu2sls.Mu2slsException;
import dev.mu2sls.ServiceCallException;
import dev.mu2sls.spi.MethodRef;
import dev.mu2sls.spi.PendingCall;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * An execution's calls to other services, synchronous and async, and its awaits. A call's id is
 * derived from the caller's and the step ({@code r/s}), so a re-execution's call is answered
 * with the callee's recorded response (G1). Before a call leaves, whatever it could depend on
 * that a re-execution would not reproduce is persisted.
 */
final class CallSteps {
    private final Execution execution;
    private final EngineContext ctx;
    private final StepLog log;
    private final AsyncCalls calls;
    private final TransactionSteps transactions;
    /** Async calls this execution made and has not awaited: the request completes only after them. */
    private final Map<Integer, AsyncCalls.Handle> unawaited = new TreeMap<>();
    /** Whether this execution started without reading its request record (a first delivery). */
    private boolean recordUnchecked;

    CallSteps(
            Execution execution,
            EngineContext ctx,
            StepLog log,
            AsyncCalls calls,
            TransactionSteps transactions,
            boolean recordUnchecked) {
        this.execution = execution;
        this.ctx = ctx;
        this.log = log;
        this.calls = calls;
        this.transactions = transactions;
        this.recordUnchecked = recordUnchecked;
    }

    Object call(MethodRef callee, Object[] args) {
        byte[] target = callTarget(callee);
        int s = log.begin(JournalEntry.Op.CALL, target);
        JournalEntry recorded = log.replayed(s);
        Response response;
        if (recorded != null) {
            response = Response.fromBytes(recorded.value());
        } else {
            Invocation call = childInvocation(s, callee, args);
            InlineParticipants.Call inline = transactions.inlineCall(call);
            beforeCall(s, true, inline != null);
            execution.checkDeadline();
            if (inline == null) {
                response = send(call);
            } else {
                response = ScopedValue.where(InlineParticipants.CURRENT, inline).call(() -> send(call));
                transactions.adopt(inline, response);
            }
            ctx.faults().at(CrashPoint.AFTER_CALL_REPLY, execution.invocation(), s);
            log.buffer(new JournalEntry(s, JournalEntry.Op.CALL, target, response.toBytes()));
        }
        return unwrap(callee, response);
    }

    PendingCall callAsync(MethodRef callee, Object[] args) {
        byte[] target = callTarget(callee);
        int s = log.begin(JournalEntry.Op.ASYNC_CALL, target);
        boolean fresh = log.replayed(s) == null;
        Invocation call = childInvocation(s, callee, args);
        InlineParticipants.Call inline = fresh ? transactions.inlineCall(call) : null;
        AsyncCalls.Handle handle = calls.new Handle(s, callee, call, inline);
        TxContext open = transactions.open();
        if (open != null) {
            open.unawaited.add(s);
        }
        unawaited.put(s, handle);
        if (fresh) {
            beforeCall(s, true, inline != null);
            log.buffer(new JournalEntry(s, JournalEntry.Op.ASYNC_CALL, target, null));
            start(handle);
        }
        return handle;
    }

    Object await(PendingCall pendingCall) {
        AsyncCalls.Handle handle = own(pendingCall);
        transactions.awaited(handle.step);
        unawaited.remove(handle.step);
        byte[] target = ByteBuffer.allocate(4).putInt(handle.step).array();
        int s = log.begin(JournalEntry.Op.AWAIT, target);
        JournalEntry recorded = log.replayed(s);
        Response response;
        if (recorded != null) {
            response = Response.fromBytes(recorded.value());
        } else {
            AsyncCalls.InFlight inFlight = start(handle);
            response = join(inFlight.response());
            if (inFlight.inline() != null) {
                transactions.adopt(inFlight.inline(), response);
            }
            ctx.faults().at(CrashPoint.AFTER_CALL_REPLY, execution.invocation(), s);
            log.buffer(new JournalEntry(s, JournalEntry.Op.AWAIT, target, response.toBytes()));
        }
        return unwrap(handle.method, response);
    }

    int awaitAny(List<PendingCall> pendingCalls) {
        ByteBuffer target = ByteBuffer.allocate(4 * pendingCalls.size());
        List<AsyncCalls.Handle> handles = new ArrayList<>(pendingCalls.size());
        for (PendingCall pendingCall : pendingCalls) {
            AsyncCalls.Handle handle = own(pendingCall);
            handles.add(handle);
            target.putInt(handle.step);
        }
        int s = log.begin(JournalEntry.Op.AWAIT_ANY, target.array());
        JournalEntry recorded = log.replayed(s);
        if (recorded != null) {
            return ByteBuffer.wrap(recorded.value()).getInt();
        }
        List<CompletableFuture<Response>> futures = new ArrayList<>(handles.size());
        for (AsyncCalls.Handle handle : handles) {
            futures.add(start(handle).response());
        }
        try {
            CompletableFuture.anyOf(futures.toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException ignored) {
            // a failed call also counts as completed; its failure surfaces when it is awaited
        }
        int winner = 0;
        while (!futures.get(winner).isDone()) {
            winner++;
        }
        log.buffer(new JournalEntry(
                s,
                JournalEntry.Op.AWAIT_ANY,
                target.array(),
                ByteBuffer.allocate(4).putInt(winner).array()));
        return winner;
    }

    /**
     * Un-awaited async calls complete before the request does (G1): the spec runs an async call to
     * completion where it is made, so a request may not answer, and forget, a call still in
     * flight. Their responses, failures included, are recorded by the callees; nothing is journaled
     * here, and a re-execution sends them again under the same ids.
     */
    void awaitUnawaited() {
        for (AsyncCalls.Handle handle : unawaited.values()) {
            try {
                join(start(handle).response());
            } catch (RuntimeException failed) {
                // accounted for: the callee recorded its failure, or its caller's caller sees ours
            }
        }
        unawaited.clear();
    }

    /**
     * What must happen before the call (or the effect) of step {@code s} leaves the execution;
     * {@code joinsTransaction}: a call, which joins the open transaction if there is one;
     * {@code staysOnThread}: a call delivered in-process, on the thread bound to it, whose callee
     * may complete inline: the transaction's inline participants need not be recorded before it.
     */
    void beforeCall(int s, boolean joinsTransaction, boolean staysOnThread) {
        if (!staysOnThread) {
            transactions.flushInline(true); // what leaves may rest on their responses, or miss their writes
        }
        checkRecordBeforeCall();
        // the persist writes the acceptance record and the transaction's status too; without one, they are written
        // alone
        if (log.mustPersistBeforeCall()) {
            execution
                    .persistence()
                    .persistPending(); // the call's arguments may depend on a step a re-execution would not reproduce
        } else {
            execution.persistence().recordBeforeCall(joinsTransaction);
        }
        ctx.faults().at(CrashPoint.BEFORE_CALL, execution.invocation(), s);
    }

    /**
     * A first delivery did not read its request record (G1 still holds: its first persist inserts
     * the record and fails for a duplicate). A call is the one effect that leaves before any
     * persist, so before the first one the record is checked: a completed request returns its
     * recorded response, a persisted journal is replayed. Were the call sent unchecked, a
     * duplicate of a request completed long ago could re-issue calls whose callees' records had
     * already expired. With steps to persist, persisting them inserts the record and is the
     * check (the acceptance record and the transaction's status go with them, instead of being
     * written alone after a read); with none, the record is read.
     */
    private void checkRecordBeforeCall() {
        if (!recordUnchecked) {
            return;
        }
        recordUnchecked = false;
        if (log.mustPersistBeforeCall()) {
            return; // the persist before this call inserts the record, failing for a duplicate
        }
        if (!log.pending().isEmpty()) {
            execution.persistence().persistPending();
            return;
        }
        switch (LoadedRequest.load(ctx.store(), execution.invocation(), execution.digest(), execution.stamp())) {
            case LoadedRequest.Recorded recorded -> throw log.stop(new ControlFlow.Fenced(recorded.response()));
            case StoredJournal journal -> {
                if (!journal.entries().isEmpty()) {
                    throw log.stop(new ControlFlow.ReplayRequired(true));
                }
            }
        }
    }

    private AsyncCalls.Handle own(PendingCall pendingCall) {
        if (pendingCall instanceof AsyncCalls.Handle handle && handle.owner() == calls) {
            return handle;
        }
        throw new IllegalStateException("a DurableFuture of " + pendingCall.method()
                + " was awaited by another request; a future belongs to the request execution that created it");
    }

    /** Sends a call, or sends it again with the same id (the callee deduplicates). */
    private AsyncCalls.InFlight start(AsyncCalls.Handle handle) {
        execution.checkDeadline();
        return calls.start(handle);
    }

    private Response send(Invocation call) {
        try {
            return ctx.transport().call(call);
        } catch (ExecutionExpiredException expired) {
            throw log.stop(new ControlFlow.Expired()); // the callee shares our deadline: we are past it too
        } catch (RuntimeException failure) {
            throw undelivered(failure);
        }
    }

    private Response join(CompletableFuture<Response> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof ExecutionExpiredException) {
                throw log.stop(new ControlFlow.Expired());
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw undelivered(runtime);
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    /**
     * {@code failure} of a call's transport to throw. A transport returns the callee's response
     * or throws what retrying cannot fix, the engine's own exceptions (the callee refused the
     * request, or diverged); anything else means the call got no answer from its callee, so the
     * execution stops as in a crash instead of the handler seeing it, or recording it.
     */
    private RuntimeException undelivered(RuntimeException failure) {
        if (failure instanceof Mu2slsException) {
            return failure;
        }
        throw log.stop(new ControlFlow.PlatformFailed(failure));
    }

    private Invocation childInvocation(int s, MethodRef callee, Object[] args) {
        Invocation invocation = execution.invocation();
        String txId = transactions.joinedId();
        if (txId != null) {
            ctx.records().called(txId, invocation.requestId() + "/" + s);
        }
        return new Invocation(
                invocation.requestId() + "/" + s,
                callee.service(),
                callee.method(),
                ctx.codec().encodeArguments(callee, args),
                0,
                txId,
                execution.deadline(),
                invocation.version()); // the callee of the same version takes this version's arguments
    }

    static byte[] callTarget(MethodRef callee) {
        return (callee.service() + "." + callee.method()).getBytes(UTF_8);
    }

    private Object unwrap(MethodRef callee, Response response) {
        if (!response.ok()) {
            throw new ServiceCallException(
                    callee.service(), callee.method(), response.errorType(), response.errorMessage());
        }
        return ctx.codec().decode(response.value(), callee.returnType());
    }
}
