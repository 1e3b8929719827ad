package dev.mu2sls.cli;

import dev.mu2sls.core.Inspector.PendingTransaction;
import dev.mu2sls.http.InspectionJson;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mu2sls transactions list}: the transactions still pending in an application's store. */
@Command(
        name = "transactions",
        mixinStandardHelpOptions = true,
        description = "List the pending transactions of an application.",
        subcommands = TransactionsCommand.ListTransactions.class)
final class TransactionsCommand {
    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description =
                    "List pending transactions, oldest first, with their age, coordinator, participants and provisional writes.")
    static final class ListTransactions implements Callable<Integer> {
        @Mixin
        InspectedStore source;

        @Option(names = "--limit", defaultValue = "50", description = "at most this many (default: ${DEFAULT-VALUE})")
        int limit;

        @Option(names = "--json", description = "print JSON")
        boolean json;

        @Override
        public Integer call() throws Exception {
            if (limit < 1) {
                throw new IllegalArgumentException("--limit must be positive: got " + limit);
            }
            try (InspectedStore.Opened opened = source.open()) {
                List<PendingTransaction> pending = opened.inspector().pendingTransactions(limit);
                if (json) {
                    System.out.println(InspectionJson.write(pending));
                    return 0;
                }
                TextTable table = new TextTable("TRANSACTION", "COORDINATOR", "PENDING FOR", "PARTICIPANTS", "WRITES");
                for (PendingTransaction tx : pending) {
                    table.row(
                            tx.id(),
                            tx.coordinator(),
                            age(tx.ageMillis()),
                            String.join(" ", tx.participants()),
                            String.join(" ", tx.writes()));
                }
                System.out.print(table);
                System.out.println(
                        pending.size() + " pending transaction" + (pending.size() == 1 ? "" : "s")
                                + " (a transaction pending past the lease, 30 s by default, is expired by the gateway's housekeeping)");
            }
            return 0;
        }

        private static String age(long millis) {
            Duration age = Duration.ofMillis(millis);
            return age.toHours() > 0
                    ? age.toHours() + "h" + age.toMinutesPart() + "m"
                    : age.toMinutes() > 0
                            ? age.toMinutes() + "m" + age.toSecondsPart() + "s"
                            : String.format("%.1fs", millis / 1000.0);
        }
    }
}
