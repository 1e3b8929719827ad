package dev.mu2sls.core;

import dev.mu2sls.spi.MethodRef;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * An execution's one-way sends and sleeps: steps that leave a timer record ({@link Timers}) for
 * later delivery, written with the journal in the segment's store transaction.
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>A send's record is a write of its segment, persisted before {@code send} returns, so the
 *       send is durable exactly when its step is: a re-execution replays the step and writes
 *       nothing again. Inside a transaction the write is provisional: only the commit releases
 *       it, an abort or conflict drops it (an outbox).
 *   <li>The callee's id is {@code caller/step}, so every delivery of one send is deduplicated.
 *   <li>A sleep journals its due time (store clock); a run that reaches the step before then
 *       records its own timer and stops ({@link ControlFlow.Suspended}); one after it goes on.
 *       The timer's delivery is a new delivery with a deadline of its own (A6).
 * </ul>
 */
final class SendSteps {
    private final Execution execution;
    private final EngineContext ctx;
    private final StepLog log;
    private final Segment segment;
    private final TransactionSteps transactions;
    /**
     * Whether the request may sleep: a client request or a send, which timers re-deliver; not a
     * call, whose caller waits for its answer. A function of the request id alone (calls and sends
     * have derived ids, and sends are always delivered as accepted), so every execution agrees.
     */
    private final boolean maySleep;

    SendSteps(
            Execution execution,
            EngineContext ctx,
            StepLog log,
            Segment segment,
            TransactionSteps transactions,
            boolean maySleep) {
        this.execution = execution;
        this.ctx = ctx;
        this.log = log;
        this.segment = segment;
        this.transactions = transactions;
        this.maySleep = maySleep;
    }

    void send(MethodRef callee, Object[] args, Duration delay) {
        byte[] target = CallSteps.callTarget(callee);
        byte[] arguments = ctx.codec().encodeArguments(callee, args); // bad arguments fail before the step
        int s = log.begin(JournalEntry.Op.SEND, target);
        if (log.replayed(s) != null) {
            return; // recorded with its segment, in the same store transaction
        }
        long due = ctx.clockMillis() + Math.max(0, delay.toMillis());
        // sent by this version's code, with arguments as it encodes them: delivered to the same version
        Invocation send = new Invocation(
                        execution.invocation().requestId() + "/" + s, callee.service(), callee.method(), arguments, 0)
                .withVersion(execution.invocation().version());
        byte[] key = KeySpace.timer(due, send.requestId());
        segment.write(key, Write.of(send.encode()));
        log.buffer(new JournalEntry(s, JournalEntry.Op.SEND, target, millis(due)));
        execution.persistence().persistPending();
        if (transactions.joinedId() != null) {
            ctx.timers().sentInTransaction(); // released by the commit
        } else if (delay.toMillis() <= 0) {
            ctx.timers().deliverSoon(key, send);
        }
    }

    void sleep(Duration duration) {
        if (!maySleep) {
            throw new IllegalStateException(execution.where() + " was called by another request, which waits for its "
                    + "answer, so it cannot sleep; sleep in the caller, or send it one-way (client.send()...)");
        }
        if (transactions.open() != null) {
            throw new IllegalStateException(execution.where() + " cannot sleep inside " + transactions.open()
                    + "; commit it first (a transaction must end within its lease)");
        }
        int s = log.begin(JournalEntry.Op.SLEEP, StepLog.NO_TARGET);
        JournalEntry recorded = log.replayed(s);
        long due;
        if (recorded != null) {
            due = ByteBuffer.wrap(recorded.value()).getLong();
        } else {
            due = ctx.clockMillis() + Math.max(0, duration.toMillis());
            log.buffer(new JournalEntry(s, JournalEntry.Op.SLEEP, StepLog.NO_TARGET, millis(due)));
        }
        if (ctx.clockMillis() >= due) {
            if (recorded != null) {
                // it may have slept under a timer: none may outlive the request's completion (Timers)
                segment.write(KeySpace.timer(due, execution.invocation().requestId()), Write.DELETE);
            }
            return;
        }
        // The timer re-delivers the request, not recovery: no acceptance record while it sleeps.
        Invocation invocation = execution.invocation();
        Invocation self = new Invocation(
                        invocation.requestId(), invocation.service(), invocation.method(), invocation.arguments(), 0)
                .withVersion(invocation.version());
        segment.write(KeySpace.timer(due, self.requestId()), Write.of(self.encode()));
        segment.write(KeySpace.accepted(self.requestId()), Write.DELETE);
        execution.persistence().persistSuspended();
        throw log.stop(new ControlFlow.Suspended(due));
    }

    private static byte[] millis(long due) {
        return ByteBuffer.allocate(8).putLong(due).array();
    }
}
