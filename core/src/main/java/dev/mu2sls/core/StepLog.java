package dev.mu2sls.core;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.mu2sls.NondeterminismException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The steps of one execution against its journal (DESIGN §4, G3). It decides; it does no I/O.
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>Steps {@code [0, persistedLength())} are persisted; such a step is replayed from the
 *       journal after its fingerprint (operation and target; for a {@code PUT} also the value's,
 *       see {@link ValueFingerprint}) is compared, and a mismatch is a divergence.
 *   <li>Steps {@code [persistedLength(), next())} are {@link #pending()}, persisted with the
 *       next segment.
 *   <li>Once the execution is stopped (fenced, replaying, expired), no step begins.
 * </ul>
 */
final class StepLog {
    /** The target of a step that acts on nothing named: a drawn value, a transaction's begin. */
    static final byte[] NO_TARGET = new byte[0];

    private final Invocation invocation;
    private final String service;
    private final String method;
    private final FaultInjector faults;
    /** Told each step as it begins, so that what the observer logs names it. */
    private final EngineObserver.Attempt attempt;

    private final List<JournalEntry> journal;
    private final List<byte[]> chunkKeys;
    private final List<JournalEntry> pending = new ArrayList<>();
    private int step;
    /** Whether any step touched state or drew a value; if not, the response is a function of call results. */
    private boolean impure;
    /** Whether a pending step holds a result a re-execution could not reproduce by re-calling. */
    private boolean mustPersistBeforeCall;

    private ControlFlow stopped;

    StepLog(
            Invocation invocation,
            String service,
            String method,
            FaultInjector faults,
            EngineObserver.Attempt attempt,
            StoredJournal stored) {
        this.invocation = invocation;
        this.service = service;
        this.method = method;
        this.faults = faults;
        this.attempt = attempt;
        this.journal = new ArrayList<>(stored.entries());
        this.chunkKeys = new ArrayList<>(stored.chunkKeys());
    }

    /**
     * Begins the next step.
     *
     * @return its number
     * @throws NondeterminismException if the journal recorded another operation or target there
     */
    int begin(JournalEntry.Op op, byte[] target) {
        rethrowIfStopped();
        int s = step;
        attempt.stepStarted(s);
        faults.at(CrashPoint.STEP, invocation, s);
        step++;
        if (!op.isReproducible()) {
            impure = true;
        }
        if (s < journal.size()) {
            JournalEntry recorded = journal.get(s);
            if (recorded.op() != op || !Arrays.equals(recorded.target(), target)) {
                throw divergence(s, describe(recorded.op(), recorded.target()), describe(op, target));
            }
        }
        return s;
    }

    /** The journal entry of step {@code s} if it is persisted (to replay), else null (to run). */
    JournalEntry replayed(int s) {
        return s < journal.size() ? journal.get(s) : null;
    }

    /**
     * Checks a replayed {@code PUT} against the value written now (G3): a branch that
     * {@code @AllowNondeterminism} let diverge may write another value to the same key.
     */
    void checkPutValue(int s, byte[] key, byte[] fingerprint) {
        byte[] recorded = journal.get(s).value();
        if (recorded != null && !Arrays.equals(recorded, fingerprint)) {
            throw divergence(
                    s,
                    "PUT " + KeySpace.describeState(key) + " of the value journaled",
                    "PUT " + KeySpace.describeState(key) + " of another value");
        }
    }

    /** Checks that the handler returned where its journal ends. */
    void checkReturn(String from) {
        if (step < journal.size()) {
            JournalEntry next = journal.get(step);
            throw divergence(step, describe(next.op(), next.target()), "RETURN from " + from);
        }
    }

    /** Buffers the result of the step just run, to be persisted with the next segment. */
    void buffer(JournalEntry entry) {
        pending.add(entry);
        if (!entry.op().isReproducible()) {
            mustPersistBeforeCall = true;
        }
    }

    /** The pending steps, and {@code extra} after them, are persisted now under {@code chunkKey}. */
    void persisted(byte[] chunkKey, List<JournalEntry> extra) {
        journal.addAll(pending);
        journal.addAll(extra);
        chunkKeys.add(chunkKey);
        pending.clear();
        mustPersistBeforeCall = false;
    }

    /** Stops the execution: no step begins after this. */
    ControlFlow stop(ControlFlow flow) {
        stopped = flow;
        throw flow;
    }

    void rethrowIfStopped() {
        if (stopped != null) {
            throw stopped;
        }
    }

    /** The number the next step gets. */
    int next() {
        return step;
    }

    int persistedLength() {
        return journal.size();
    }

    List<JournalEntry> pending() {
        return pending;
    }

    List<byte[]> chunkKeys() {
        return chunkKeys;
    }

    boolean impure() {
        return impure;
    }

    boolean mustPersistBeforeCall() {
        return mustPersistBeforeCall;
    }

    /**
     * Whether nothing is persisted and every step stays inside the execution: state steps and
     * drawn values, no call, effect, send, sleep, transaction step or version.
     */
    boolean onlyPendingStateSteps() {
        if (!journal.isEmpty()) {
            return false;
        }
        for (JournalEntry entry : pending) {
            switch (entry.op()) {
                case GET, CONTAINS, PUT, REMOVE, SCAN, UUID, NOW, RANDOM -> {}
                default -> {
                    return false;
                }
            }
        }
        return true;
    }

    /** The persisted journal as this execution knows it, for a replay after a conflict. */
    StoredJournal snapshot() {
        return new StoredJournal(List.copyOf(journal), List.copyOf(chunkKeys));
    }

    /** Every step, persisted and pending. */
    List<JournalEntry> all() {
        List<JournalEntry> all = new ArrayList<>(journal);
        all.addAll(pending);
        return all;
    }

    NondeterminismException divergence(int s, String expected, String actual) {
        return new NondeterminismException(invocation.requestId(), service, method, s, expected, actual);
    }

    static String describe(JournalEntry.Op op, byte[] target) {
        return switch (op) {
            case GET, CONTAINS, PUT, REMOVE -> op + " " + KeySpace.describeState(target);
            case SCAN -> "SCAN";
            case CALL, ASYNC_CALL -> op + " " + new String(target, UTF_8);
            case AWAIT, AWAIT_ANY ->
                op + " of the call made at step " + ByteBuffer.wrap(target).getInt();
            case UUID, NOW, RANDOM -> "Deterministic." + op.name().toLowerCase() + "()";
            case TX_BEGIN -> "Transaction.begin()";
            case TX_COMMIT -> "Transaction.commit()";
            case TX_ABORT -> "Transaction.abort()";
            case EFFECT -> "Effects.run(\"" + new String(target, UTF_8) + "\")";
            case SEND -> "SEND " + new String(target, UTF_8);
            case SLEEP -> "Deterministic.sleep()";
            case VERSION -> "Deterministic.version(\"" + new String(target, UTF_8) + "\")";
        };
    }
}
