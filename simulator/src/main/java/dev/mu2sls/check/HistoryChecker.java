package dev.mu2sls.check;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.mu2sls.core.Response;
import dev.mu2sls.json.JsonCodec;
import dev.mu2sls.spec.Choices;
import dev.mu2sls.spec.RecordedChoices;
import dev.mu2sls.spec.SpecRunner;
import dev.mu2sls.spi.Codec;
import dev.mu2sls.spi.ServiceDefinition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The history checker of DESIGN §7: does some serial execution of the spec explain what the
 * clients saw and what the store holds? It searches for an order of the requests of a
 * {@link History} that
 * <ul>
 *   <li>respects real time: a request that returned before another was invoked comes first;
 *   <li>run one by one on the {@link SpecRunner} (with the implementation's journaled
 *       nondeterministic choices, so {@code Deterministic.uuid()} and friends agree), gives every
 *       request the response its client observed;
 *   <li>ends in the final state the implementation holds ({@code Inspector.dumpState()}).
 * </ul>
 * Such an order exists exactly when the run was linearizable with respect to the spec, with each
 * request applied once (G1) and transactions serializable (G2): a double-applied, lost or
 * half-applied effect, or two transactions interleaved, leaves a response or the final state
 * that no serial order produces. Requests whose outcome is unknown (never returned, or the client
 * call threw) may take effect anywhere after their invocation, or not at all.
 *
 * <h2>Search</h2>
 * Depth-first over orders (the Wing–Gong algorithm with Lowe's memoization): at each point the
 * candidates are the requests not yet placed that were invoked before the earliest return among
 * the others; a candidate whose spec response differs from the observed one is pruned at once;
 * a configuration (set of placed requests, spec state) already explored is not explored again.
 * Configurations are remembered as 128-bit hashes (a Zobrist hash of the set and the spec's
 * order-independent state hash), and the spec backtracks with its undo log
 * ({@link SpecRunner#snapshot()}), so a step costs one spec request, not a replay of the prefix.
 * Two rules keep real runs near linear without losing completeness: a candidate that answers as
 * observed and leaves the state unchanged is placed alone (any explaining order can place it
 * there), and the others are tried in step with the implementation first (see
 * {@link Builder#choices}), then by how many entries of the final state they match. Concurrent
 * requests that commute reach the same state and are merged by the memo. Histories of a few
 * hundred requests from 8 concurrent clients check in well under a second (measurements in
 * docs/architecture.md). The search stops with {@link Result.Inconclusive} when it exceeds its
 * budget of configurations or time.
 *
 * <h2>Thread safety</h2>
 * A checker may be shared; each {@link #check} runs its own search.
 */
public final class HistoryChecker {
    /** Default budget of configurations explored before giving up. */
    public static final long DEFAULT_MAX_CONFIGURATIONS = 2_000_000;
    /** Default time budget of one check. */
    public static final Duration DEFAULT_TIME_LIMIT = Duration.ofSeconds(60);

    private static final int SHOWN = 12;

    private final List<ServiceDefinition> services;
    private final Codec codec;
    private final Choices choices;
    private final Function<String, Set<String>> writtenKeys;
    private final long maxConfigurations;
    private final Duration timeLimit;

    private HistoryChecker(Builder builder) {
        this.services = List.copyOf(builder.services);
        this.codec = builder.codec;
        this.choices = builder.choices;
        this.writtenKeys = builder.choices instanceof RecordedChoices recorded ? recorded::writtenKeys : null;
        this.maxConfigurations = builder.maxConfigurations;
        this.timeLimit = builder.timeLimit;
    }

    /** A checker against the spec of {@code services} (the same definitions the platform ran). */
    public static Builder builder(Iterable<? extends ServiceDefinition> services) {
        return new Builder(services);
    }

    /**
     * Checks everything {@code history} recorded against {@code finalState}.
     *
     * @param finalState the implementation's state after every execution ended (wait for the
     *     platform to be quiet first, e.g. {@code Simulator.awaitQuiescence}), as
     *     {@code Inspector.dumpState()} renders it
     */
    public Result check(History history, SortedMap<String, String> finalState) {
        return check(history.operations(), finalState);
    }

    /** Checks {@code operations} (in any order) against {@code finalState}. */
    public Result check(List<History.Operation> operations, SortedMap<String, String> finalState) {
        return new Search(operations, finalState).run();
    }

    /**
     * What the check concluded. {@link #report()} is meant for people: a test failure message.
     */
    public sealed interface Result {
        /** How much the search did. */
        Stats stats();

        /** Whether a serial order was found (false for a violation and for an inconclusive search). */
        default boolean ok() {
            return this instanceof Linearizable;
        }

        /** A readable account of the outcome; for a violation, what no serial order explains. */
        String report();

        /**
         * A serial order that explains the history.
         *
         * @param order the ids in the order found; requests with unknown outcome left out of it
         *     took no effect in this explanation
         */
        record Linearizable(List<String> order, Stats stats) implements Result {
            @Override
            public String report() {
                return "linearizable: a serial order of " + order.size()
                        + " requests explains every response and the final state (" + stats + ")";
            }
        }

        /**
         * No serial order explains the history.
         *
         * @param operations the history checked, as requests
         * @param longestPrefix the longest serial prefix found whose responses all match (by
         *     completed requests placed), as {@code id: Service.method[args] -> response}
         * @param mismatches after that prefix, the requests that may come next by real time whose
         *     spec response differs from the observed one
         * @param stateDifferences when every completed request was placed but the final state
         *     differed: the differing entries
         */
        record Violation(
                int operations,
                List<String> longestPrefix,
                List<Mismatch> mismatches,
                List<String> stateDifferences,
                Stats stats)
                implements Result {
            @Override
            public String report() {
                StringBuilder out = new StringBuilder();
                out.append("NOT linearizable: no serial order of the spec explains this history of ")
                        .append(operations)
                        .append(" requests.\n");
                appendPrefix(out, longestPrefix);
                if (!mismatches.isEmpty()) {
                    out.append("After it, no request that may come next (by real time) answers as observed:\n");
                    for (Mismatch mismatch : mismatches.subList(0, Math.min(SHOWN, mismatches.size()))) {
                        out.append("  ").append(mismatch).append('\n');
                    }
                    if (mismatches.size() > SHOWN) {
                        out.append("  ... and ")
                                .append(mismatches.size() - SHOWN)
                                .append(" more\n");
                    }
                }
                appendStateDifferences(
                        out, "It explains every response, but then the final state differs", stateDifferences);
                out.append("Likely causes: an effect applied twice or lost (G1), or transactions interleaved (G2).\n");
                return out.append("(").append(stats).append(")").toString();
            }
        }

        /**
         * The search ran out of budget before finding an order or proving there is none.
         *
         * @param longestPrefix as for {@link Violation#longestPrefix()}
         * @param stateDifferences as for {@link Violation#stateDifferences()}, for the first order found that explains every response
         */
        record Inconclusive(
                int operations, String why, List<String> longestPrefix, List<String> stateDifferences, Stats stats)
                implements Result {
            @Override
            public String report() {
                StringBuilder out = new StringBuilder("INCONCLUSIVE: ")
                        .append(why)
                        .append(" checking ")
                        .append(operations)
                        .append(" requests; check a shorter history, with less concurrency, or raise the budget.\n");
                appendPrefix(out, longestPrefix);
                appendStateDifferences(
                        out,
                        "The first order found that explains every response ends in another final state",
                        stateDifferences);
                return out.append("(").append(stats).append(")").toString();
            }
        }
    }

    private static void appendStateDifferences(StringBuilder out, String what, List<String> differences) {
        if (!differences.isEmpty()) {
            out.append(what).append(" (implementation vs spec):\n");
            for (String difference : differences) {
                out.append("  ").append(difference).append('\n');
            }
        }
    }

    private static void appendPrefix(StringBuilder out, List<String> prefix) {
        out.append("Longest serial prefix explaining the responses: ")
                .append(prefix.size())
                .append(" requests");
        if (prefix.isEmpty()) {
            out.append(".\n");
            return;
        }
        out.append(prefix.size() > SHOWN ? ", the last " + SHOWN + ":\n" : ":\n");
        for (String line : prefix.subList(Math.max(0, prefix.size() - SHOWN), prefix.size())) {
            out.append("  ").append(line).append('\n');
        }
    }

    /**
     * A request that, placed next, answers differently under the spec.
     *
     * @param request {@code id: Service.method[args]}
     * @param observed what its client got
     * @param spec what the spec answers at that point
     */
    public record Mismatch(String request, String observed, String spec) {
        @Override
        public String toString() {
            return request + "  observed " + observed + ", spec answers " + spec;
        }
    }

    /**
     * @param operations requests in the history
     * @param unknown of which with unknown outcome
     * @param configurations distinct (placed set, spec state) configurations explored
     * @param specCalls requests run on the spec
     * @param elapsed time the search took
     */
    public record Stats(int operations, int unknown, long configurations, long specCalls, Duration elapsed) {
        @Override
        public String toString() {
            return operations + " requests (" + unknown + " with unknown outcome), " + configurations
                    + " configurations, " + specCalls + " spec calls, " + elapsed.toMillis() + " ms";
        }
    }

    /** One request of the history, as the search sees it. */
    private record Op(
            History.Operation operation,
            long invokedAt,
            long returnedAt,
            Response observed,
            byte[] arguments,
            long zobrist,
            boolean sharedId,
            Set<String> implementedWrites) {}

    /** A point of the depth-first search: the state after placing {@link #op} on its parent. */
    private static final class Frame {
        final int op;
        final long setContribution;
        final boolean firstOfId;
        final int completedPlaced;
        SpecRunner.Snapshot snapshot;
        int[] candidates;
        int next;
        /** Candidates pruned because the spec answered differently, with the spec's answer. */
        List<Integer> mismatched;

        List<Response> mismatchedSpec;

        Frame(int op, long setContribution, boolean firstOfId, int completedPlaced) {
            this.op = op;
            this.setContribution = setContribution;
            this.firstOfId = firstOfId;
            this.completedPlaced = completedPlaced;
        }
    }

    private final class Search {
        final Op[] ops;
        final int completedTotal;
        final SortedMap<String, String> target;
        final SpecRunner spec;
        final boolean[] placed;
        final Response[] specResponses;
        final Map<String, Response> responseById = new HashMap<>();
        final LongPairSet explored = new LongPairSet();
        final List<Frame> stack = new ArrayList<>();
        final long start = System.nanoTime();
        long setHash;
        long configurations;
        long specCalls;
        /** The first frame reached with the most completed requests placed; its path is saved when it is popped. */
        Frame best;

        boolean bestSaved;
        int[] bestPath = new int[0];
        Response[] bestResponses = new Response[0];
        /** Every request below this index (in invocation order) is placed. */
        int floor;

        List<String> firstStateDifference = List.of();

        Search(List<History.Operation> operations, SortedMap<String, String> target) {
            this.target = target;
            List<History.Operation> sorted = new ArrayList<>(operations);
            sorted.sort(Comparator.comparingLong(History.Operation::invokedAt));
            Map<String, Integer> idCounts = new HashMap<>();
            sorted.forEach(o -> idCounts.merge(o.id(), 1, Integer::sum));
            SplittableRandom random = new SplittableRandom(0x5EEDL);
            ops = new Op[sorted.size()];
            int completed = 0;
            for (int i = 0; i < ops.length; i++) {
                History.Operation o = sorted.get(i);
                Response observed = o.response();
                completed += observed != null ? 1 : 0;
                ops[i] = new Op(
                        o,
                        o.invokedAt(),
                        observed != null ? o.returnedAt() : History.Operation.NEVER,
                        observed,
                        o.arguments().getBytes(UTF_8),
                        random.nextLong(),
                        idCounts.get(o.id()) > 1,
                        writtenKeys == null ? null : writtenKeys.apply(o.id()));
            }
            completedTotal = completed;
            placed = new boolean[ops.length];
            specResponses = new Response[ops.length];
            spec = new SpecRunner(services, codec, choices);
            spec.target(target);
            spec.collectWrites(writtenKeys != null);
        }

        Result run() {
            Frame root = new Frame(-1, 0, false, 0);
            explored.add(0, spec.stateHash());
            push(root);
            while (!stack.isEmpty()) {
                Frame frame = stack.getLast();
                if (frame.candidates == null) {
                    if (frame.completedPlaced == completedTotal && finalStateMatches()) {
                        return new Result.Linearizable(order(), stats());
                    }
                    frame.snapshot = spec.snapshot();
                    frame.candidates = rank(frame, candidates());
                }
                if (frame.next == frame.candidates.length) {
                    pop();
                    continue;
                }
                int c = frame.candidates[frame.next++];
                Op op = ops[c];
                Response response = responseById.get(op.operation().id());
                boolean firstOfId = response == null;
                if (firstOfId) {
                    response = apply(op);
                }
                if (op.observed() != null && !op.observed().equals(response)) {
                    mismatched(frame, c, response);
                    spec.restore(frame.snapshot);
                    continue;
                }
                long contribution = contribution(op, response);
                if (!explored.add(setHash ^ contribution, spec.stateHash())) {
                    spec.restore(frame.snapshot);
                    continue;
                }
                if (++configurations > maxConfigurations) {
                    return inconclusive("search budget of " + maxConfigurations + " configurations exceeded");
                }
                if ((configurations & 255) == 0 && System.nanoTime() - start > timeLimit.toNanos()) {
                    return inconclusive("time limit of " + timeLimit.toMillis() + " ms exceeded");
                }
                placed[c] = true;
                specResponses[c] = response;
                setHash ^= contribution;
                if (firstOfId) {
                    responseById.put(op.operation().id(), response);
                }
                push(new Frame(c, contribution, firstOfId, frame.completedPlaced + (op.observed() != null ? 1 : 0)));
            }
            return violation();
        }

        private long contribution(Op op, Response response) {
            return op.zobrist() ^ (op.sharedId() ? mix(response.hashCode()) : 0);
        }

        private void mismatched(Frame frame, int c, Response response) {
            if (frame.mismatched == null) {
                frame.mismatched = new ArrayList<>();
                frame.mismatchedSpec = new ArrayList<>();
            }
            frame.mismatched.add(c);
            frame.mismatchedSpec.add(response);
        }

        /**
         * With several candidates, tries each once and keeps those whose response matches and
         * whose configuration is new, best first: those whose writes are in step with the
         * implementation's (see {@link #writtenAsImplemented}), then those that bring the state
         * closest to the final state, then the earliest to return. Choosing well matters where
         * responses do not reveal the order but the final state does (which guest got which
         * room): a wrong choice is otherwise found out only at the end, after exploring
         * everything that follows it.
         *
         * <p>A candidate that matches and leaves the state as it is (a read, a booking that sold
         * out) is the only one tried: any order that explains the history from here can place it
         * first (nothing after it sees a difference, and real time allows it now), and placing it
         * unblocks the requests invoked after it returned. If that configuration was explored
         * already, nothing from here can succeed.
         */
        private int[] rank(Frame frame, int[] candidates) {
            if (candidates.length < 2 || candidates.length > 0xFFFFFF) {
                return candidates;
            }
            long[] keys = new long[candidates.length];
            int viable = 0;
            long before = spec.stateHash();
            for (int i = 0; i < candidates.length; i++) {
                Op op = ops[candidates[i]];
                Response response = responseById.get(op.operation().id());
                boolean inStep = true;
                if (response == null) {
                    response = apply(op);
                    inStep = writtenAsImplemented(op, spec.takeWrites());
                }
                if (op.observed() != null && !op.observed().equals(response)) {
                    mismatched(frame, candidates[i], response);
                    spec.restore(frame.snapshot);
                    continue;
                }
                boolean fresh = !explored.contains(setHash ^ contribution(op, response), spec.stateHash());
                boolean unchanged = spec.stateHash() == before && op.observed() != null && !op.sharedId();
                int matching = spec.entriesMatchingTarget();
                spec.restore(frame.snapshot);
                if (unchanged) {
                    return fresh ? new int[] {candidates[i]} : new int[0];
                }
                if (fresh) {
                    keys[viable++] = (inStep ? 0 : 1L << 60) | ((long) (Integer.MAX_VALUE - matching) << 24) | i;
                }
            }
            Arrays.sort(keys, 0, viable);
            int[] ranked = new int[viable];
            for (int i = 0; i < viable; i++) {
                ranked[i] = candidates[(int) (keys[i] & 0xFFFFFF)];
            }
            return ranked;
        }

        /**
         * Whether the spec, running {@code op} here, wrote only keys that the implementation's
         * executions of it wrote: true on the path the implementation took (unless its journal
         * is unknown), and false once the spec has taken a different order for requests that
         * write order-dependent keys (which guest got room 3).
         */
        private boolean writtenAsImplemented(Op op, List<String> written) {
            return op.implementedWrites() == null || op.implementedWrites().containsAll(written);
        }

        private void push(Frame frame) {
            stack.add(frame);
            if (best == null || frame.completedPlaced > best.completedPlaced) {
                best = frame;
                bestSaved = false;
            }
            while (floor < ops.length && placed[floor]) {
                floor++;
            }
        }

        /** Copies the path from the root to the best frame, which is on the stack. */
        private void saveBest() {
            if (bestSaved) {
                return;
            }
            int depth = stack.indexOf(best);
            bestPath = new int[depth];
            bestResponses = new Response[depth];
            for (int i = 0; i < depth; i++) {
                int op = stack.get(i + 1).op;
                bestPath[i] = op;
                bestResponses[i] = specResponses[op] != null
                        ? specResponses[op]
                        : responseById.get(ops[op].operation().id());
            }
            bestSaved = true;
        }

        private void pop() {
            if (stack.getLast() == best) {
                saveBest();
            }
            Frame frame = stack.removeLast();
            if (frame.op < 0) {
                return;
            }
            placed[frame.op] = false;
            floor = Math.min(floor, frame.op);
            specResponses[frame.op] = null;
            setHash ^= frame.setContribution;
            if (frame.firstOfId) {
                responseById.remove(ops[frame.op].operation().id());
            }
            spec.restore(stack.getLast().snapshot);
        }

        /** Runs {@code op} on the spec; the keys it wrote are then in {@link SpecRunner#takeWrites()}. */
        private Response apply(Op op) {
            specCalls++;
            History.Operation o = op.operation();
            spec.takeWrites();
            try {
                return spec.call(o.id(), o.service(), o.method(), op.arguments());
            } catch (RuntimeException rejected) {
                // invalid input (unknown method, bad arguments): rejected before any effect, as the engine does
                return Response.failure(rejected.getClass().getName(), rejected.getMessage());
            }
        }

        /** Requests that may come next: not placed, invoked before every other unplaced request returned. */
        private int[] candidates() {
            long earliestReturn = History.Operation.NEVER;
            // ops are in invocation order and return after they are invoked: stop at the first invoked after the
            // earliest return
            for (int i = floor; i < ops.length && ops[i].invokedAt() < earliestReturn; i++) {
                if (!placed[i] && ops[i].returnedAt() < earliestReturn) {
                    earliestReturn = ops[i].returnedAt();
                }
            }
            int[] candidates = new int[8];
            int count = 0;
            for (int i = floor; i < ops.length && ops[i].invokedAt() < earliestReturn; i++) {
                if (placed[i]) {
                    continue;
                }
                if (count == candidates.length) {
                    candidates = Arrays.copyOf(candidates, count * 2);
                }
                // Earliest return first (insertion sort; few candidates): the order the implementation most likely
                // took.
                int at = count++;
                while (at > 0 && ops[candidates[at - 1]].returnedAt() > ops[i].returnedAt()) {
                    candidates[at] = candidates[at - 1];
                    at--;
                }
                candidates[at] = i;
            }
            return Arrays.copyOf(candidates, count);
        }

        /** Whether the spec state equals the final state: free to ask (see {@link SpecRunner#matchesTarget()}), confirmed once. */
        private boolean finalStateMatches() {
            if (spec.matchesTarget()) {
                if (differences(spec.dumpState()).isEmpty()) {
                    return true;
                }
                return false; // a 64-bit hash collision; keep searching
            }
            if (firstStateDifference.isEmpty()) {
                firstStateDifference = differences(spec.dumpState());
            }
            return false;
        }

        private List<String> differences(SortedMap<String, String> specState) {
            List<String> differences = new ArrayList<>();
            TreeSet<String> keys = new TreeSet<>(specState.keySet());
            keys.addAll(target.keySet());
            for (String key : keys) {
                String implementation = target.get(key);
                String specified = specState.get(key);
                if (!Objects.equals(implementation, specified)) {
                    if (differences.size() == SHOWN) {
                        differences.add("...");
                        break;
                    }
                    differences.add(key + ": " + (implementation == null ? "absent" : implementation) + " vs "
                            + (specified == null ? "absent" : specified));
                }
            }
            return differences;
        }

        private List<Integer> path() {
            List<Integer> path = new ArrayList<>(stack.size());
            for (Frame frame : stack) {
                if (frame.op >= 0) {
                    path.add(frame.op);
                }
            }
            return path;
        }

        private List<String> order() {
            return path().stream().map(i -> ops[i].operation().id()).toList();
        }

        private Result violation() {
            List<Mismatch> mismatches = new ArrayList<>();
            for (int i = 0; best.mismatched != null && i < best.mismatched.size(); i++) {
                Op op = ops[best.mismatched.get(i)];
                mismatches.add(
                        new Mismatch(op.operation().describe(), show(op.observed()), show(best.mismatchedSpec.get(i))));
            }
            List<String> stateDifferences = best.completedPlaced == completedTotal ? firstStateDifference : List.of();
            return new Result.Violation(ops.length, describeBest(), mismatches, stateDifferences, stats());
        }

        private Result inconclusive(String why) {
            saveBest();
            return new Result.Inconclusive(ops.length, why, describeBest(), firstStateDifference, stats());
        }

        private List<String> describeBest() {
            saveBest();
            List<String> lines = new ArrayList<>(bestPath.length);
            for (int i = 0; i < bestPath.length; i++) {
                Op op = ops[bestPath[i]];
                lines.add(op.operation().describe() + " -> "
                        + (op.observed() != null
                                ? show(op.observed())
                                : "(outcome unknown; spec: " + show(bestResponses[i]) + ")"));
            }
            return lines;
        }

        private Stats stats() {
            return new Stats(
                    ops.length,
                    ops.length - completedTotal,
                    configurations,
                    specCalls,
                    Duration.ofNanos(System.nanoTime() - start));
        }
    }

    /** {@code ok <json>} or {@code failed <type>: <message>}. */
    static String show(Response response) {
        if (response == null) {
            return "(unknown)";
        }
        return response.ok()
                ? "ok " + new String(response.value(), UTF_8)
                : "failed " + response.errorType() + ": " + response.errorMessage();
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Configures a {@link HistoryChecker}. */
    public static final class Builder {
        private final List<ServiceDefinition> services = new ArrayList<>();
        private Codec codec = new JsonCodec();
        private Choices choices = new RecordedChoices(0);
        private long maxConfigurations = DEFAULT_MAX_CONFIGURATIONS;
        private Duration timeLimit = DEFAULT_TIME_LIMIT;

        private Builder(Iterable<? extends ServiceDefinition> services) {
            services.forEach(this.services::add);
        }

        /** The codec the platform ran with; JSON by default. */
        public Builder codec(Codec codec) {
            this.codec = Objects.requireNonNull(codec, "codec");
            return this;
        }

        /**
         * The nondeterministic choices the implementation made, so that the spec hands out the
         * same ids, times and random seeds: pass the {@link RecordedChoices} registered as the
         * engine's listener. Without it, a service that uses {@code Deterministic} cannot match.
         * {@link RecordedChoices} also tells which state keys each request wrote, which the
         * search uses to try the implementation's own order first (a hint only: the result does
         * not depend on it, the time to find it does).
         */
        public Builder choices(Choices choices) {
            this.choices = Objects.requireNonNull(choices, "choices");
            return this;
        }

        /** Gives up (inconclusive) after exploring this many configurations. */
        public Builder maxConfigurations(long maxConfigurations) {
            if (maxConfigurations < 1) {
                throw new IllegalArgumentException("maximum configurations must be positive: " + maxConfigurations);
            }
            this.maxConfigurations = maxConfigurations;
            return this;
        }

        /** Gives up (inconclusive) after searching this long. */
        public Builder timeLimit(Duration timeLimit) {
            if (timeLimit.isNegative() || timeLimit.isZero()) {
                throw new IllegalArgumentException("time limit must be positive: " + timeLimit);
            }
            this.timeLimit = timeLimit;
            return this;
        }

        public HistoryChecker build() {
            return new HistoryChecker(this);
        }
    }

    @Override
    public String toString() {
        return "HistoryChecker"
                + Arrays.toString(services.stream().map(ServiceDefinition::name).toArray());
    }
}
