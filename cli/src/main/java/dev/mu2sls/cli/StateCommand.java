package dev.mu2sls.cli;

import dev.mu2sls.core.Inspector.StateEntry;
import dev.mu2sls.http.InspectionJson;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mu2sls state get <Service> <state> [key]}: persistent state as the store holds it (committed values only). */
@Command(
        name = "state",
        mixinStandardHelpOptions = true,
        description = "Read the persistent state of a service.",
        subcommands = StateCommand.Get.class)
final class StateCommand {
    @Command(
            name = "get",
            mixinStandardHelpOptions = true,
            description = "Print a state entry (a map's key, or a PersistentValue), or a map's entries in key order.")
    static final class Get implements Callable<Integer> {
        @Mixin
        InspectedStore source;

        @Parameters(index = "0", description = "service")
        String service;

        @Parameters(index = "1", description = "state name (as the service declares it with state.map or state.value)")
        String name;

        @Parameters(
                index = "2",
                arity = "0..1",
                description = "map key (string, integer or UUID); without it, every entry")
        String key;

        @Option(
                names = "--limit",
                defaultValue = "100",
                description = "at most this many entries (default: ${DEFAULT-VALUE})")
        int limit;

        @Option(names = "--json", description = "print JSON")
        boolean json;

        @Override
        public Integer call() throws Exception {
            if (limit < 1) {
                throw new IllegalArgumentException("--limit must be positive: got " + limit);
            }
            try (InspectedStore.Opened opened = source.open()) {
                List<StateEntry> entries = opened.inspector().state(service, name, key, limit);
                if (entries.isEmpty()) {
                    throw new IllegalArgumentException("no state " + service + "." + name
                            + (key == null ? "" : "[" + key + "]") + " in the " + opened.description()
                            + " (check the service and state names: they are case-sensitive)");
                }
                if (json) {
                    System.out.println(InspectionJson.write(entries));
                } else {
                    entries.forEach(entry -> System.out.println(entry.key() + " = " + entry.value()));
                }
            }
            return 0;
        }
    }
}
