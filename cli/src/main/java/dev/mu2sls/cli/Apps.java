package dev.mu2sls.cli;

import dev.mu2sls.examples.shop.MailerDispatcher;
import dev.mu2sls.examples.shop.ShopDispatcher;
import dev.mu2sls.examples.shortener.AnalyticsDispatcher;
import dev.mu2sls.examples.shortener.ShortenerDispatcher;
import dev.mu2sls.examples.social.PostStorageDispatcher;
import dev.mu2sls.examples.social.SocialDispatcher;
import dev.mu2sls.examples.social.SocialGraphDispatcher;
import dev.mu2sls.examples.social.TimelineDispatcher;
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
        EXAMPLES.put("counter", () -> Workload.W1.services);
        EXAMPLES.put("chain", () -> Workload.W2.services);
        EXAMPLES.put("tree", () -> Workload.W3.services);
        EXAMPLES.put("media", () -> Workload.W4.services);
        EXAMPLES.put("travel", () -> Workload.W5.services);
        EXAMPLES.put("bank", () -> Workload.W6.services);
        EXAMPLES.put("shortener", () -> List.of(new ShortenerDispatcher(), new AnalyticsDispatcher()));
        EXAMPLES.put("social", () -> List.of(new SocialDispatcher(), new SocialGraphDispatcher(), new PostStorageDispatcher(),
                new TimelineDispatcher()));
        EXAMPLES.put("shop", () -> List.of(new ShopDispatcher(), new MailerDispatcher()));
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
