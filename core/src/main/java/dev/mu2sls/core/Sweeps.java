package dev.mu2sls.core;

import dev.mu2sls.InvalidRequestException;
import dev.mu2sls.store.KeyValue;
import java.time.Duration;

/**
 * The engine's housekeeping over whole key spaces, each one pass over {@link EngineStore#pages}:
 * re-driving accepted requests, expiring responses and abandoned transactions
 * (docs/architecture.md, "What the engine deletes").
 */
final class Sweeps {
    private static final System.Logger LOG = System.getLogger(Engine.class.getName());

    private final EngineContext ctx;
    private final RequestRunner runner;
    private final Duration responseRetention;
    private final Duration maxExecutionAge;
    private final Duration transactionLease;

    Sweeps(EngineContext ctx, RequestRunner runner, EngineSettings settings) {
        this.ctx = ctx;
        this.runner = runner;
        this.responseRetention = settings.responseRetention;
        this.maxExecutionAge = settings.maxExecutionAge;
        this.transactionLease = settings.transactionLease;
    }

    Duration responseRetention() {
        return responseRetention;
    }

    Duration transactionLease() {
        return transactionLease;
    }

    /** See {@link Engine#recover(CallTransport)}. */
    int recover(CallTransport redrive) {
        int redriven = 0;
        for (KeyValue accepted : ctx.store().pages(KeySpace.ACCEPTED)) {
            Invocation invocation = Invocation.decode(accepted.key(), accepted.value());
            // The re-drive's deadline runs from a moment the request was still accepted, so still
            // running and its records kept (A6): read the clock, then check the record is still there.
            long at = ctx.clockMillis();
            if (ctx.store().read(accepted.key()) != null
                    && redrive(redrive, invocation.withAttempt(1).withDeadline(at + maxExecutionAge.toMillis()))) {
                redriven++;
            }
        }
        expireTransactions();
        return redriven;
    }

    /** Re-drives one accepted request; a request that fails is logged and left for the next recovery. */
    private boolean redrive(CallTransport redrive, Invocation invocation) {
        try {
            redrive.call(invocation);
            return true;
        } catch (RequestSuspendedException sleeping) {
            return true; // it sleeps on under its own timer
        } catch (InvalidRequestException unrunnable) {
            // the application no longer has its service or method, or its arguments no longer decode
            runner.quarantine(invocation, InvalidRequestException.class.getName(), unrunnable.getMessage());
            return false;
        } catch (RuntimeException failed) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "recovery: request {0} ({1}.{2}) failed this time and stays accepted: {3}",
                    invocation.requestId(),
                    invocation.service(),
                    invocation.method(),
                    failed.toString());
            return false;
        }
    }

    /**
     * See {@link Engine#expireResponses()}. A response is kept for the retention plus twice the
     * maximum execution age (A5, A6): a duplicate that arrives within the retention, and every
     * execution it starts, acts before then. A client request's record goes together with the
     * records of every call, transaction and journal under its id, which live as long as it does:
     * a request still running may still re-send its calls. Records of calls whose client request
     * left no record of its own (it made only calls, on a platform that does not record
     * acceptance) expire on their own clock.
     */
    int expireResponses() {
        long cutoff = expiryCutoff();
        int total = 0;
        for (KeyValue kv : ctx.store().pages(KeySpace.REQUEST)) {
            if (RequestRecord.decode(kv.key(), kv.value()) instanceof RequestRecord.Completed completed
                    && completed.completedAtMillis() < cutoff) {
                total += ctx.store().transact(tx -> RequestTree.expire(tx, KeySpace.requestIdOf(kv.key()), cutoff));
            }
        }
        ctx.counters().responsesExpired.add(total);
        return total;
    }

    /** See {@link Engine#expireTransactions()}. */
    int expireTransactions() {
        long now = ctx.clockMillis();
        long pendingBefore = now - transactionLease.toMillis();
        long cutoff = expiryCutoff();
        int expiredNow = 0;
        int pending = 0;
        for (KeyValue kv : ctx.store().pages(KeySpace.TX_STATUS)) {
            TxStatus status = TxStatus.decode(kv.key(), kv.value());
            String txId = KeySpace.txIdOf(kv.key());
            if (status.state() == TxStatus.State.PENDING && status.atMillis() < pendingBefore) {
                if (ctx.store().transact(tx -> TxWrites.expire(tx, txId, pendingBefore, now))) {
                    expiredNow++;
                }
            } else if (status.state() == TxStatus.State.PENDING) {
                pending++;
            } else if (status.state().ended() && status.atMillis() < cutoff) {
                ctx.store().transact(tx -> RequestTree.expireOrphanStatus(tx, txId, cutoff));
            }
        }
        ctx.counters().transactionsExpired.add(expiredNow);
        ctx.observer().pendingTransactions(pending);
        return expiredNow;
    }

    /** Records that ended before this store-clock time may be dropped (A5, A6). */
    private long expiryCutoff() {
        return ctx.clockMillis() - responseRetention.toMillis() - 2 * maxExecutionAge.toMillis();
    }
}
