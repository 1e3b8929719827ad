package dev.mu2sls.core;

import dev.mu2sls.NondeterminismException;
import dev.mu2sls.spi.MethodRef;
import dev.mu2sls.store.CommitHold;
import java.time.Duration;

/**
 * Runs deliveries of requests (DESIGN §4): a recorded response is returned as is (G1); otherwise
 * the handler runs as an {@link Execution}, again after each replay, until it completes, is
 * fenced, expires or diverges (then the request is quarantined).
 */
final class RequestRunner {
    /** Replays because a read value changed, in a row, before an execution holds other commits back. */
    private static final int HOLD_COMMITS_AFTER_STALE_REPLAYS = 3;

    private static final System.Logger LOG = System.getLogger(Engine.class.getName());

    private final EngineContext ctx;
    private final ServiceRegistry services;
    private final Duration maxExecutionAge;
    /** This engine's application version, stamped on what it runs (null: undeclared). */
    private final String version;

    private final VersionPins pins;

    RequestRunner(EngineContext ctx, EngineSettings settings) {
        this.ctx = ctx;
        this.version = settings.applicationVersion;
        this.pins = new VersionPins(ctx.store(), settings.applicationVersion, settings.liveVersions);
        this.services = new ServiceRegistry(settings.services, settings.codec, settings.maxPayloadBytes);
        this.maxExecutionAge = settings.maxExecutionAge;
    }

    ServiceRegistry services() {
        return services;
    }

    /**
     * See {@link Engine#submit}. A first delivery (attempt 0) writes the acceptance record with
     * its first persist, so a request done in one segment writes none; a later attempt records
     * the acceptance before it runs.
     */
    Response submit(Invocation delivered) {
        Invocation invocation = delivered.withVersion(version);
        ServiceRuntime service = services.admit(invocation);
        ServiceRegistry.checkClientRequestId(invocation);
        if (invocation.attempt() == 0) {
            // A first delivery is almost always fresh: its acceptance record goes with its first
            // persisted effect, and a request done in one segment (W1) needs none. A duplicate of
            // a completed request is found by the run, which answers with the recorded response.
            // The run validates the arguments before anything is written.
            return run(invocation, Acceptance.PENDING);
        }
        ctx.codec().decodeArguments(service.definition().method(invocation.method()), invocation.arguments());
        byte[] acceptedKey = KeySpace.accepted(invocation.requestId());
        byte[] record = invocation.encode();
        byte[] requestKey = KeySpace.request(invocation.requestId());
        byte[] digest = RequestRecord.digestOf(invocation);
        // The acceptance is this delivery's first act: like every other, only before its deadline,
        // decided again at the commit point (A6), or a paused one would accept a request whose
        // records expired meanwhile, and recovery would run it again.
        long deadline = deadlineOf(invocation, ctx.clockMillis());
        Response recorded = ctx.store().transact(tx -> {
            if (Fence.expired(ctx.clockMillis(), deadline)) {
                throw new ExecutionExpiredException(invocation.requestId(), deadline);
            }
            tx.commitOnlyIf(() -> !Fence.expired(ctx.clockMillis(), deadline));
            RequestRecord current = RequestRecord.decode(requestKey, tx.get(requestKey));
            if (current != null && !current.isFor(digest)) {
                throw Fence.reusedId(invocation);
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
        return recorded != null ? recorded : run(invocation, Acceptance.RECORDED);
    }

    /** Runs one delivery of {@code invocation} and returns the request's recorded response. */
    Response run(Invocation delivered, Acceptance acceptance) {
        // the code that runs it is this version's: its acceptance record, timers, sends and calls say so
        Invocation invocation = delivered.withVersion(version);
        return ctx.observer().delivery(invocation, () -> runObserved(invocation, acceptance));
    }

    private Response runObserved(Invocation invocation, Acceptance acceptance) {
        EngineCounters counters = ctx.counters();
        counters.invocations.increment();
        ServiceRuntime service = services.admit(invocation);
        MethodRef method = service.definition().method(invocation.method());
        Object[] args = ctx.codec().decodeArguments(method, invocation.arguments());
        if (ctx.mode() == Mode.UNSAFE) {
            counters.executions.increment();
            return new UnsafeExecution(ctx, invocation, service, method).run(args);
        }
        AsyncCalls calls = new AsyncCalls(ctx.transport(), ctx.asyncCalls());
        byte[] digest = RequestRecord.digestOf(invocation);
        long arrival = ctx.clockMillis();
        long deadline = deadlineOf(invocation, arrival);
        DeliveryStamp stamp = new DeliveryStamp(invocation.service(), invocation.method(), arrival);
        // A first delivery is almost always a fresh request: it skips the read of its request
        // record (one store round trip) and finds a duplicate when it persists or calls.
        LoadedRequest loaded = invocation.attempt() == 0
                ? StoredJournal.UNCHECKED
                : pins.checked(invocation, LoadedRequest.load(ctx.store(), invocation, digest, stamp));
        int staleReplays = 0;
        while (true) {
            StoredJournal journal;
            switch (loaded) {
                case LoadedRequest.Recorded recorded -> {
                    counters.deduplicated.increment();
                    return settled(invocation, acceptance, recorded.response());
                }
                case StoredJournal stored -> journal = stored;
            }
            // An execution whose reads keep changing before it persists them (a long read of a
            // range that short writers keep changing: W6's audit) holds other commits back for
            // its next segment, so that nothing of this process overtakes it again.
            CommitHold hold = staleReplays >= HOLD_COMMITS_AFTER_STALE_REPLAYS
                    ? ctx.store().holdCommits()
                    : CommitHold.NONE;
            EngineObserver.Attempt attempt = ctx.observer().attemptStarted(invocation);
            Execution execution = new Execution(
                    ctx,
                    invocation,
                    service,
                    method,
                    digest,
                    deadline,
                    journal,
                    calls,
                    acceptance,
                    hold,
                    stamp,
                    attempt);
            counters.executions.increment();
            try {
                Response response = execution.run(args);
                attempt.completed();
                return response;
            } catch (ControlFlow.Fenced stopped) {
                counters.fenced.increment();
                attempt.fenced();
                return settled(invocation, acceptance, stopped.response);
            } catch (ControlFlow.Suspended sleeping) {
                attempt.completed();
                throw new RequestSuspendedException(invocation.requestId(), sleeping.dueMillis);
            } catch (ControlFlow.Expired stopped) {
                counters.expired.increment();
                throw new ExecutionExpiredException(invocation.requestId(), deadline);
            } catch (ControlFlow.PlatformFailed stopped) {
                throw stopped.failure; // nothing recorded: the delivery failed, as in a crash
            } catch (NondeterminismException diverged) {
                return quarantine(invocation, NondeterminismException.class.getName(), diverged.getMessage());
            } catch (ControlFlow.ReplayRequired replay) {
                counters.replays.increment();
                attempt.replayed();
                staleReplays = replay.reload ? 0 : staleReplays + 1;
                loaded = replay.reload
                        ? pins.checked(invocation, LoadedRequest.load(ctx.store(), invocation, digest, stamp))
                        : execution.persisted();
                args = ctx.codec().decodeArguments(method, invocation.arguments());
            } finally {
                hold.release();
                attempt.close();
            }
        }
    }

    /**
     * The store-clock time after which executions of a delivery that arrived at {@code arrivalMillis}
     * act no more: the caller's for a call (so a zombie's calls inherit its bound), else the
     * maximum age from its arrival (A6).
     */
    private long deadlineOf(Invocation invocation, long arrivalMillis) {
        long own = arrivalMillis + maxExecutionAge.toMillis();
        return invocation.deadlineMillis() == 0 ? own : Math.min(own, invocation.deadlineMillis());
    }

    /** See {@link Engine#quarantine}. */
    Response quarantine(Invocation invocation, String errorType, String report) {
        byte[] requestKey = KeySpace.request(invocation.requestId());
        byte[] digest = RequestRecord.digestOf(invocation);
        Response failure = Response.failure(
                errorType,
                "request " + invocation.requestId() + " (" + invocation.service() + "." + invocation.method()
                        + ") was quarantined: " + report);
        Response response = ctx.store().transact(tx -> {
            RequestRecord current = RequestRecord.decode(requestKey, tx.get(requestKey));
            tx.delete(KeySpace.accepted(invocation.requestId()));
            if (current instanceof RequestRecord.Completed completed) {
                return completed.response();
            }
            // How it ran so far stays; a request no delivery persisted ran nowhere: no start, no delivery.
            RunInfo run = current == null
                    ? new RunInfo(invocation.service(), invocation.method(), RunInfo.UNKNOWN_START, 0)
                    : current.run();
            tx.put(
                    requestKey,
                    RequestRecord.completed(
                            current == null || current.digest() == null ? digest : current.digest(),
                            ctx.clockMillis(),
                            0,
                            true,
                            failure,
                            run));
            return failure;
        });
        if (response == failure) {
            ctx.counters().quarantined.increment();
            ctx.observer().requestQuarantined(invocation, report);
            LOG.log(
                    System.Logger.Level.WARNING,
                    "quarantined request {0} ({1}.{2}): {3}",
                    invocation.requestId(),
                    invocation.service(),
                    invocation.method(),
                    report);
        }
        return response;
    }

    /**
     * Another execution completed a client request: its acceptance record, if one was written
     * (by any delivery), is done with.
     */
    private Response settled(Invocation invocation, Acceptance acceptance, Response response) {
        if (acceptance != Acceptance.NONE) {
            byte[] acceptedKey = KeySpace.accepted(invocation.requestId());
            ctx.store().transact(tx -> {
                tx.delete(acceptedKey);
                return null;
            });
        }
        return response;
    }
}
