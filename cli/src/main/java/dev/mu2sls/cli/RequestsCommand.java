package dev.mu2sls.cli;

import dev.mu2sls.core.Inspector;
import dev.mu2sls.core.Inspector.Request;
import dev.mu2sls.core.Inspector.RequestDetail;
import dev.mu2sls.core.Inspector.Status;
import dev.mu2sls.core.Inspector.Step;
import dev.mu2sls.core.Inspector.Transaction;
import dev.mu2sls.http.InspectionJson;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mu2sls requests list|show}: the requests an application's store holds. */
@Command(
        name = "requests",
        mixinStandardHelpOptions = true,
        description = "List the requests of an application, or show one.",
        subcommands = {RequestsCommand.ListRequests.class, RequestsCommand.Show.class})
final class RequestsCommand {
    /** What {@code --status} selects. */
    enum StatusFilter {
        RUNNING,
        ACCEPTED,
        COMPLETED,
        FAILED,
        QUARANTINED,
        STUCK;

        Predicate<Request> matches() {
            return switch (this) {
                case RUNNING -> r -> r.status().isOpen();
                case ACCEPTED -> r -> r.status() == Status.ACCEPTED;
                case COMPLETED -> r -> r.status() == Status.COMPLETED;
                case FAILED -> r -> r.status().isFailure();
                case QUARANTINED -> r -> r.status() == Status.QUARANTINED;
                case STUCK -> r -> r.status().isOpen() || r.status() == Status.QUARANTINED;
            };
        }
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "List requests: open ones first, then the most recently ended.")
    static final class ListRequests implements Callable<Integer> {
        @Mixin
        InspectedStore source;

        @Option(
                names = "--status",
                description = "running (running or accepted), accepted, completed, failed (failed or quarantined), "
                        + "quarantined, or stuck (quarantined, and open ones that persisted nothing for --older-than)")
        StatusFilter status;

        @Option(names = "--stuck", description = "the same as --status stuck")
        boolean stuck;

        @Option(names = "--service", description = "only requests to this service")
        String service;

        @Option(names = "--calls", description = "list calls between services (id/step) too, not only client requests")
        boolean calls;

        @Option(names = "--limit", defaultValue = "50", description = "at most this many (default: ${DEFAULT-VALUE})")
        int limit;

        @Option(
                names = "--older-than",
                defaultValue = "10",
                description =
                        "with --status stuck (--stuck): seconds an open request must have persisted nothing: "
                                + "a running request's record says when it last persisted; requests only accepted so far, "
                                + "and records written by builds that kept no times, are watched that long (default: ${DEFAULT-VALUE})")
        double olderThanSeconds;

        @Option(names = "--json", description = "print JSON")
        boolean json;

        @Override
        public Integer call() throws Exception {
            if (limit < 1) {
                throw new IllegalArgumentException("--limit must be positive: got " + limit);
            }
            if (olderThanSeconds < 0) {
                throw new IllegalArgumentException("--older-than must not be negative: got " + olderThanSeconds);
            }
            if (stuck) {
                if (status != null && status != StatusFilter.STUCK) {
                    throw new IllegalArgumentException("--stuck is --status stuck: it cannot be combined with --status "
                            + status.name().toLowerCase(Locale.ROOT));
                }
                status = StatusFilter.STUCK;
            }
            Predicate<Request> filter = status == null ? r -> true : status.matches();
            if (service != null) {
                filter = filter.and(r -> service.equals(r.service()));
            }
            try (InspectedStore.Opened opened = source.open()) {
                List<Request> requests = opened.inspector().requests(filter, calls, limit);
                if (status == StatusFilter.STUCK) {
                    requests = stuck(opened.inspector(), requests, filter);
                }
                System.out.print(json ? InspectionJson.write(requests) + System.lineSeparator() : table(requests));
            }
            return 0;
        }

        /**
         * Quarantined requests, and open ones that persisted nothing for {@code --older-than}: a
         * request that makes progress persists a segment (its record says when) or ends. An open
         * request whose record has no time (only accepted, or written by a build that kept none)
         * is watched that long instead, and stuck if its record did not change meanwhile.
         */
        private List<Request> stuck(Inspector inspector, List<Request> first, Predicate<Request> filter)
                throws InterruptedException {
            Duration olderThan = Duration.ofMillis((long) (olderThanSeconds * 1000));
            long untimed = first.stream()
                    .filter(r -> r.status().isOpen() && r.lastProgressAt() == null)
                    .count();
            List<Request> latest = first;
            if (untimed > 0) {
                System.err.printf(
                        "watching %d open request%s whose records keep no time for %s s: "
                                + "a request that makes progress in that time is not stuck%n",
                        untimed, untimed == 1 ? "" : "s", olderThanSeconds);
                Thread.sleep(olderThan);
                latest = inspector.requests(filter, calls, Integer.MAX_VALUE);
            }
            Map<String, Request> later = new HashMap<>();
            for (Request request : latest) {
                later.put(request.id(), request);
            }
            Instant quietSince = inspector.storeTime().minus(olderThan);
            List<Request> stuck = new ArrayList<>();
            for (Request request : first) {
                Request now = later.get(request.id());
                boolean quiet = request.lastProgressAt() == null
                        || !request.lastProgressAt().isAfter(quietSince);
                if (request.status() == Status.QUARANTINED
                        || request.status().isOpen() && quiet && now != null && sameProgress(request, now)) {
                    stuck.add(request);
                }
            }
            return stuck;
        }

        /** Whether a request's record is as it was: same status, journal length, deliveries and last persist. */
        private static boolean sameProgress(Request before, Request after) {
            return before.status() == after.status()
                    && before.journalLength() == after.journalLength()
                    && before.deliveries() == after.deliveries()
                    && Objects.equals(before.lastProgressAt(), after.lastProgressAt());
        }

        private static String table(List<Request> requests) {
            TextTable table = new TextTable(
                    "ID", "STATUS", "SERVICE.METHOD", "STARTED", "ENDED", "ELAPSED", "DELIVERIES", "STEPS", "RESPONSE");
            for (Request r : requests) {
                table.row(
                        r.id(),
                        label(r.status()),
                        method(r),
                        r.startedAt() == null ? null : r.startedAt().toString(),
                        r.endedAt() == null ? null : r.endedAt().toString(),
                        r.elapsedMillis() == null ? null : RequestTimes.duration(r.elapsedMillis()),
                        r.deliveries() == 0 ? null : Integer.toString(r.deliveries()),
                        r.status() == Status.RUNNING ? Integer.toString(r.journalLength()) : null,
                        oneLine(outcome(r)));
            }
            return table.toString() + requests.size() + " request" + (requests.size() == 1 ? "" : "s")
                    + System.lineSeparator();
        }
    }

    @Command(
            name = "show",
            mixinStandardHelpOptions = true,
            description =
                    "Show one request: its journal, the calls it made (with theirs), its transactions and its response.")
    static final class Show implements Callable<Integer> {
        @Mixin
        InspectedStore source;

        @Parameters(index = "0", description = "request id (as list shows it; the gateway's are Service.method:key)")
        String id;

        @Option(names = "--json", description = "print JSON")
        boolean json;

        @Override
        public Integer call() throws Exception {
            try (InspectedStore.Opened opened = source.open()) {
                RequestDetail detail = opened.inspector()
                        .request(id)
                        .orElseThrow(
                                () -> new IllegalArgumentException(
                                        "no request '" + id + "' in the " + opened.description()
                                                + " (never sent, or its response expired); list them with ./mu2sls requests list"));
                System.out.print(json ? InspectionJson.write(detail) + System.lineSeparator() : text(detail));
            }
            return 0;
        }

        private static String text(RequestDetail detail) {
            Request r = detail.request();
            String nl = System.lineSeparator();
            StringBuilder out = new StringBuilder();
            out.append("request ").append(r.id()).append(nl);
            fact(
                    out,
                    "status",
                    label(r.status())
                            + (r.status() == Status.RUNNING ? ", " + r.journalLength() + " steps recorded" : ""));
            fact(out, "method", method(r) == null ? "(not recorded)" : method(r));
            if (detail.arguments() != null) {
                fact(out, "arguments", detail.arguments());
            }
            if (r.startedAt() != null) {
                fact(out, "started", r.startedAt().toString());
            }
            if (r.endedAt() != null) {
                fact(
                        out,
                        "ended",
                        r.endedAt()
                                + (r.elapsedMillis() == null
                                        ? ""
                                        : ", took " + RequestTimes.duration(r.elapsedMillis())));
            } else if (r.elapsedMillis() != null) {
                fact(
                        out,
                        "running",
                        "for " + RequestTimes.duration(r.elapsedMillis()) + ", last persisted " + r.lastProgressAt());
            }
            if (r.deliveries() > 0) {
                fact(
                        out,
                        "deliveries",
                        RequestTimes.deliveries(r.deliveries())
                                + " persisted part of it (one that crashed before its first commit is not counted)");
            }
            if (r.endedAt() != null) {
                fact(out, "response", outcome(r));
            }
            out.append(nl).append("journal: ");
            if (detail.journal().isEmpty()) {
                out.append(
                                r.status().isOpen()
                                        ? "no step recorded yet"
                                        : "none kept (a completed request's journal goes with its completion)")
                        .append(nl);
            } else {
                out.append(detail.journal().size()).append(" steps").append(nl);
                TextTable steps = new TextTable("  STEP", "OP", "TARGET", "RESULT", "CALL");
                for (Step step : detail.journal()) {
                    steps.row("  " + step.step(), step.op(), step.target(), oneLine(step.result()), step.callId());
                }
                out.append(steps);
            }
            out.append(nl)
                    .append("calls: ")
                    .append(
                            detail.calls().isEmpty()
                                    ? "none recorded"
                                    : detail.calls().size())
                    .append(nl);
            int depth = r.id().split("/").length;
            for (Request call : detail.calls()) {
                out.append("  ".repeat(call.id().split("/").length - depth))
                        .append(call.id())
                        .append("  ")
                        .append(label(call.status()))
                        .append("  ")
                        .append(method(call) == null ? "" : method(call) + "  ")
                        .append(RequestTimes.brief(call))
                        .append(oneLine(outcome(call)) == null ? "" : oneLine(outcome(call)))
                        .append(nl);
            }
            if (!detail.transactions().isEmpty()) {
                out.append(nl).append("transactions:").append(nl);
                for (Transaction tx : detail.transactions()) {
                    out.append("  ")
                            .append(tx.id())
                            .append("  ")
                            .append(tx.state())
                            .append("  ")
                            .append(tx.at())
                            .append(nl);
                }
            }
            return out.toString();
        }
    }

    /** A line of {@code show}'s facts: the label in a column of 10, then the value. */
    private static void fact(StringBuilder out, String label, String value) {
        out.append("  ")
                .append(label)
                .append(" ".repeat(Math.max(1, 10 - label.length())))
                .append(value)
                .append(System.lineSeparator());
    }

    static String label(Status status) {
        return status.name().toLowerCase(Locale.ROOT);
    }

    private static String method(Request r) {
        return r.service() == null ? null : r.service() + "." + r.method();
    }

    private static String outcome(Request r) {
        if (r.value() != null) {
            return r.value();
        }
        return r.errorType() == null ? null : r.errorType() + ": " + r.errorMessage();
    }

    /** A value on one line, cut to 100 characters: listings are for reading, show and --json for everything. */
    private static String oneLine(String text) {
        if (text == null) {
            return null;
        }
        String line = text.replaceAll("\\s+", " ");
        return line.length() <= 100 ? line : line.substring(0, 97) + "...";
    }
}
