package dev.mu2sls.cli;

import dev.mu2sls.examples.bank.AccountDispatcher;
import dev.mu2sls.examples.bank.BankDispatcher;
import dev.mu2sls.examples.chain.Caller1Dispatcher;
import dev.mu2sls.examples.chain.Caller2Dispatcher;
import dev.mu2sls.examples.counter.CounterDispatcher;
import dev.mu2sls.examples.travel.FlightDispatcher;
import dev.mu2sls.examples.travel.FrontendDispatcher;
import dev.mu2sls.examples.travel.HotelDispatcher;
import dev.mu2sls.examples.travel.OrderDispatcher;
import dev.mu2sls.examples.tree.Backend1Dispatcher;
import dev.mu2sls.examples.tree.Backend2Dispatcher;
import dev.mu2sls.examples.tree.TreeDispatcher;
import dev.mu2sls.spi.ServiceDefinition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Supplier;

/**
 * The applications the platform commands ({@code up}, {@code function}, {@code deploy}) run: an
 * example by name, or a user's jar whose services the annotation processor registered in
 * {@code META-INF/services}. To add an example, add one line to {@link #EXAMPLES}.
 */
final class Apps {
    /** Example name to its services. */
    private static final Map<String, Supplier<List<ServiceDefinition>>> EXAMPLES = new LinkedHashMap<>();

    static {
        EXAMPLES.put("counter", () -> List.of(new CounterDispatcher()));
        EXAMPLES.put("chain", () -> List.of(new Caller1Dispatcher(), new Caller2Dispatcher(), new CounterDispatcher()));
        EXAMPLES.put("tree", () -> List.of(new TreeDispatcher(), new Backend1Dispatcher(), new Backend2Dispatcher()));
        EXAMPLES.put("travel", () -> List.of(new FrontendDispatcher(), new HotelDispatcher(), new FlightDispatcher(), new OrderDispatcher()));
        EXAMPLES.put("bank", () -> List.of(new BankDispatcher(), new AccountDispatcher()));
    }

    /**
     * An application: its name (used for the store table and manifests) and services.
     *
     * @param name lower-case name
     * @param services its services, in a stable order
     */
    record App(String name, List<ServiceDefinition> services) {
        List<String> serviceNames() {
            return services.stream().map(ServiceDefinition::name).toList();
        }

        ServiceDefinition service(String serviceName) {
            return services.stream().filter(s -> s.name().equals(serviceName)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("application " + name + " has no service '" + serviceName
                            + "'; it has " + serviceNames()));
        }
    }

    private Apps() {}

    static List<String> exampleNames() {
        return List.copyOf(EXAMPLES.keySet());
    }

    /**
     * An example by name, or the services of a jar file.
     *
     * @throws IllegalArgumentException naming the examples when {@code nameOrJar} is neither
     */
    static App resolve(String nameOrJar) {
        Supplier<List<ServiceDefinition>> example = EXAMPLES.get(nameOrJar.toLowerCase(Locale.ROOT));
        if (example != null) {
            return new App(nameOrJar.toLowerCase(Locale.ROOT), example.get());
        }
        Path jar = Path.of(nameOrJar);
        if (nameOrJar.endsWith(".jar") && Files.isRegularFile(jar)) {
            return fromJar(jar);
        }
        throw new IllegalArgumentException("unknown application '" + nameOrJar + "': give an example (" + String.join(", ", EXAMPLES.keySet())
                + ") or the path of a jar with @Service classes compiled with mu2sls-processor");
    }

    private static App fromJar(Path jar) {
        try {
            URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, Apps.class.getClassLoader());
            List<ServiceDefinition> services = new ArrayList<>();
            for (ServiceDefinition definition : ServiceLoader.load(ServiceDefinition.class, loader)) {
                if (definition.getClass().getClassLoader() == loader) {
                    services.add(definition);
                }
            }
            if (services.isEmpty()) {
                throw new IllegalArgumentException(jar + " registers no services: compile its @Service classes with mu2sls-processor "
                        + "on the annotation processor path (it writes META-INF/services/dev.mu2sls.spi.ServiceDefinition)");
            }
            String name = jar.getFileName().toString().replaceFirst("\\.jar$", "").toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "-");
            return new App(name, List.copyOf(services));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + jar + ": " + e.getMessage(), e);
        }
    }
}
