package dev.mu2sls.check;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Serializability checking of list-append histories, the Elle approach (Kingsbury and Alvaro,
 * VLDB 2020): every append writes a value unique per key, so the lists that reads observe reveal
 * each key's version order, and from it the dependencies between committed transactions:
 * <ul>
 *   <li><b>ww</b>: the writer of a key's i-th element precedes the writer of its (i+1)-th;
 *   <li><b>wr</b>: the writer of the last element a read saw precedes the reader;
 *   <li><b>rw</b>: a reader precedes the writer of the first element its read did not see.
 * </ul>
 * A cycle among these is a serializability violation (G0, G1c or G2). Before that, the checker
 * reports reads that are not prefixes of the version order, values read that no committed
 * transaction wrote (G1a, dirty reads), duplicated elements, and committed appends missing from
 * the final lists (lost writes).
 */
public final class ListAppendChecker {

    /** One operation as observed: an append, or a read with the list it returned. */
    public record Op(boolean append, String key, int value, List<Integer> read) {
        public static Op append(String key, int value) {
            return new Op(true, key, value, null);
        }

        public static Op read(String key, List<Integer> observed) {
            return new Op(false, key, 0, List.copyOf(observed));
        }
    }

    /** A committed transaction and what it observed. */
    public record Txn(String id, List<Op> ops) {}

    /** What the check found; {@link #valid()} when nothing. */
    public record Result(List<String> anomalies, int transactions, int edges) {
        public boolean valid() {
            return anomalies.isEmpty();
        }
    }

    private ListAppendChecker() {}

    /**
     * Checks committed transactions against the final lists (a read of every key after the run;
     * pass an empty map if there is none).
     */
    public static Result check(List<Txn> committed, Map<String, List<Integer>> finalLists) {
        List<String> anomalies = new ArrayList<>();
        Map<String, Map<Integer, String>> writers = new HashMap<>();
        for (Txn txn : committed) {
            for (Op op : txn.ops()) {
                if (op.append()) {
                    String previous = writers.computeIfAbsent(op.key(), k -> new HashMap<>())
                            .put(op.value(), txn.id());
                    if (previous != null) {
                        anomalies.add("value " + op.value() + " appended to " + op.key() + " by both " + previous
                                + " and " + txn.id() + "; appended values must be unique per key");
                    }
                }
            }
        }
        Map<String, List<Integer>> order = versionOrders(committed, finalLists, anomalies);
        order.forEach((key, values) -> {
            Set<Integer> seen = new LinkedHashSet<>();
            for (int value : values) {
                if (!seen.add(value)) {
                    anomalies.add("key " + key + " holds " + value + " twice: an append was applied more than once");
                }
                if (!writers.getOrDefault(key, Map.of()).containsKey(value)) {
                    anomalies.add("key " + key + " holds " + value
                            + ", which no committed transaction appended (G1a: aborted or phantom write read)");
                }
            }
        });
        writers.forEach((key, byValue) -> byValue.forEach((value, writer) -> {
            if (finalLists.containsKey(key) && !finalLists.get(key).contains(value)) {
                anomalies.add(writer + " committed an append of " + value + " to " + key
                        + ", missing from the final list (lost write)");
            }
        }));

        Map<String, Set<String>> graph = new HashMap<>();
        Map<String, String> why = new HashMap<>();
        int edges = 0;
        for (Map.Entry<String, List<Integer>> entry : order.entrySet()) {
            String key = entry.getKey();
            List<Integer> values = entry.getValue();
            Map<Integer, String> byValue = writers.getOrDefault(key, Map.of());
            for (int i = 0; i + 1 < values.size(); i++) {
                edges += edge(graph, why, byValue.get(values.get(i)), byValue.get(values.get(i + 1)), "ww on " + key);
            }
        }
        for (Txn txn : committed) {
            for (Op op : txn.ops()) {
                if (op.append()) {
                    continue;
                }
                List<Integer> values = order.getOrDefault(op.key(), List.of());
                Map<Integer, String> byValue = writers.getOrDefault(op.key(), Map.of());
                if (!op.read().isEmpty()) {
                    edges += edge(graph, why, byValue.get(op.read().getLast()), txn.id(), "wr on " + op.key());
                }
                if (op.read().size() < values.size()) {
                    edges += edge(
                            graph,
                            why,
                            txn.id(),
                            byValue.get(values.get(op.read().size())),
                            "rw on " + op.key());
                }
            }
        }
        for (List<String> cycle : cycles(graph)) {
            StringBuilder description = new StringBuilder("cycle (not serializable): ");
            for (int i = 0; i < cycle.size(); i++) {
                String from = cycle.get(i);
                String to = cycle.get((i + 1) % cycle.size());
                description
                        .append(from)
                        .append(" -")
                        .append(why.getOrDefault(from + "->" + to, "?"))
                        .append("-> ");
            }
            anomalies.add(description.append(cycle.getFirst()).toString());
        }
        return new Result(anomalies, committed.size(), edges);
    }

    /** Each key's version order: the longest observed list, which every other read must prefix. */
    private static Map<String, List<Integer>> versionOrders(
            List<Txn> committed, Map<String, List<Integer>> finalLists, List<String> anomalies) {
        Map<String, List<Integer>> longest = new HashMap<>(finalLists);
        for (Txn txn : committed) {
            for (Op op : txn.ops()) {
                if (!op.append()
                        && op.read().size()
                                > longest.getOrDefault(op.key(), List.of()).size()) {
                    longest.put(op.key(), op.read());
                }
            }
        }
        for (Txn txn : committed) {
            for (Op op : txn.ops()) {
                if (!op.append()) {
                    List<Integer> full = longest.getOrDefault(op.key(), List.of());
                    if (op.read().size() > full.size()
                            || !full.subList(0, op.read().size()).equals(op.read())) {
                        anomalies.add(txn.id() + " read " + op.key() + " = " + op.read()
                                + ", not a prefix of its version order " + full + " (incompatible order)");
                    }
                }
            }
        }
        return longest;
    }

    private static int edge(
            Map<String, Set<String>> graph, Map<String, String> why, String from, String to, String kind) {
        if (from == null || to == null || from.equals(to)) {
            return 0;
        }
        why.putIfAbsent(from + "->" + to, kind);
        return graph.computeIfAbsent(from, k -> new LinkedHashSet<>()).add(to) ? 1 : 0;
    }

    /** One cycle per strongly connected component with more than one transaction (Tarjan). */
    private static List<List<String>> cycles(Map<String, Set<String>> graph) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new LinkedHashSet<>();
        List<List<String>> components = new ArrayList<>();
        int[] counter = {0};
        for (String node : List.copyOf(graph.keySet())) {
            if (!index.containsKey(node)) {
                strongConnect(node, graph, index, low, stack, onStack, components, counter);
            }
        }
        List<List<String>> result = new ArrayList<>();
        for (List<String> component : components) {
            if (component.size() > 1) {
                result.add(cycleWithin(component, graph));
            }
        }
        return result;
    }

    private static void strongConnect(
            String start,
            Map<String, Set<String>> graph,
            Map<String, Integer> index,
            Map<String, Integer> low,
            Deque<String> stack,
            Set<String> onStack,
            List<List<String>> components,
            int[] counter) {
        // Iterative Tarjan, so that long dependency chains do not overflow the stack.
        Deque<Object[]> work = new ArrayDeque<>();
        work.push(new Object[] {start, graph.getOrDefault(start, Set.of()).iterator()});
        index.put(start, counter[0]);
        low.put(start, counter[0]++);
        stack.push(start);
        onStack.add(start);
        while (!work.isEmpty()) {
            Object[] frame = work.peek();
            String node = (String) frame[0];
            @SuppressWarnings("unchecked")
            java.util.Iterator<String> next = (java.util.Iterator<String>) frame[1];
            if (next.hasNext()) {
                String successor = next.next();
                if (!index.containsKey(successor)) {
                    index.put(successor, counter[0]);
                    low.put(successor, counter[0]++);
                    stack.push(successor);
                    onStack.add(successor);
                    work.push(new Object[] {
                        successor, graph.getOrDefault(successor, Set.of()).iterator()
                    });
                } else if (onStack.contains(successor)) {
                    low.put(node, Math.min(low.get(node), index.get(successor)));
                }
                continue;
            }
            work.pop();
            if (!work.isEmpty()) {
                String parent = (String) work.peek()[0];
                low.put(parent, Math.min(low.get(parent), low.get(node)));
            }
            if (Objects.equals(low.get(node), index.get(node))) {
                List<String> component = new ArrayList<>();
                String member;
                do {
                    member = stack.pop();
                    onStack.remove(member);
                    component.add(member);
                } while (!member.equals(node));
                components.add(component);
            }
        }
    }

    /** A concrete cycle inside a strongly connected component, by breadth-first search back to its first node. */
    private static List<String> cycleWithin(List<String> component, Map<String, Set<String>> graph) {
        Set<String> members = new LinkedHashSet<>(component);
        String first = component.getFirst();
        Map<String, String> parent = new HashMap<>();
        Deque<String> queue = new ArrayDeque<>(List.of(first));
        while (!queue.isEmpty()) {
            String node = queue.poll();
            for (String successor : graph.getOrDefault(node, Set.of())) {
                if (!members.contains(successor)) {
                    continue;
                }
                if (successor.equals(first)) {
                    List<String> cycle = new ArrayList<>();
                    for (String at = node; at != null; at = parent.get(at)) {
                        cycle.addFirst(at);
                    }
                    return cycle;
                }
                if (!parent.containsKey(successor) && !successor.equals(first)) {
                    parent.put(successor, node);
                    queue.add(successor);
                }
            }
        }
        return component;
    }
}
