package dev.mu2sls.platform.local;

import dev.mu2sls.spi.ApplicationIdentity;
import dev.mu2sls.spi.ServiceDefinition;
import java.io.IOException;
import java.io.InputStream;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The applications the platform commands ({@code up}, {@code function}, {@code deploy}) run: an
 * example by name, or a user's jar whose services the annotation processor registered in
 * {@code META-INF/services} and whose name and version it declares ({@link #identify}). To add an example, add one line to {@link #EXAMPLES}.
 */
public final class Apps {
    private static final Logger LOG = LoggerFactory.getLogger(Apps.class);

    /** Example name to the names of its services, in the order instances start. */
    private static final Map<String, List<String>> EXAMPLES = new LinkedHashMap<>();

    static {
        EXAMPLES.put("counter", List.of("Counter"));
        EXAMPLES.put("chain", List.of("Caller1", "Caller2", "Counter"));
        EXAMPLES.put("tree", List.of("Tree", "Backend1", "Backend2"));
        EXAMPLES.put(
                "media",
                List.of(
                        "MediaFrontend",
                        "User",
                        "ComposeReview",
                        "UniqueId",
                        "MovieId",
                        "Text",
                        "ReviewStorage",
                        "UserReview",
                        "MovieReview"));
        EXAMPLES.put("travel", List.of("Frontend", "Hotel", "Flight", "Order"));
        EXAMPLES.put("bank", List.of("Bank", "Account"));
        EXAMPLES.put("shortener", List.of("Shortener", "Analytics"));
        EXAMPLES.put("social", List.of("Social", "SocialGraph", "PostStorage", "Timeline"));
        EXAMPLES.put("shop", List.of("Shop", "Mailer"));
        EXAMPLES.put("orders", List.of("Orders", "Inventory", "Billing", "Mailer"));
    }

    /**
     * An application: its name (used for the store table and manifests), version and services.
     *
     * @param name lower-case name: the declared one ({@link dev.mu2sls.Application}), an example's,
     *     or for a jar without a declaration its file name's
     * @param version the declared version, or {@link #UNDECLARED}
     * @param services its services, in a stable order
     */
    public record App(String name, String version, List<ServiceDefinition> services) {
        /** The version of an example, and of a jar that declares none. */
        public static final String UNDECLARED = "undeclared";

        /** Whether it declares its version: only then do requests record it, and can two versions be told apart. */
        public boolean declared() {
            return !version.equals(UNDECLARED);
        }

        public List<String> serviceNames() {
            return services.stream().map(ServiceDefinition::name).toList();
        }

        /**
         * The service named {@code serviceName}.
         *
         * @throws IllegalArgumentException naming the application's services when it has none of that name
         */
        public ServiceDefinition service(String serviceName) {
            return services.stream()
                    .filter(s -> s.name().equals(serviceName))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(
                            "application " + name + " has no service '" + serviceName + "'; it has " + serviceNames()));
        }
    }

    private Apps() {}

    /** The examples' names, for help texts and errors. */
    public static List<String> exampleNames() {
        return List.copyOf(EXAMPLES.keySet());
    }

    /**
     * An example by name, or the services of a jar file.
     *
     * @throws IllegalArgumentException naming the examples when {@code nameOrJar} is neither
     */
    public static App resolve(String nameOrJar) {
        List<String> example = EXAMPLES.get(nameOrJar.toLowerCase(Locale.ROOT));
        if (example != null) {
            return new App(
                    nameOrJar.toLowerCase(Locale.ROOT),
                    App.UNDECLARED,
                    Examples.services(example.toArray(String[]::new)));
        }
        Path jar = Path.of(nameOrJar);
        if (nameOrJar.endsWith(".jar") && Files.isRegularFile(jar)) {
            return fromJar(jar);
        }
        throw new IllegalArgumentException(
                "unknown application '" + nameOrJar + "': give an example (" + String.join(", ", EXAMPLES.keySet())
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
                throw new IllegalArgumentException(
                        jar + " registers no services: compile its @Service classes with mu2sls-processor "
                                + "on the annotation processor path (it writes META-INF/services/dev.mu2sls.spi.ServiceDefinition)");
            }
            return identify(jar, loader, services);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + jar + ": " + e.getMessage(), e);
        }
    }

    /**
     * The application of {@code jar} with {@code services}: named and versioned by its
     * declaration, else named after its file as before declarations existed (with a warning), so
     * that a deployed jar keeps its store table.
     *
     * @throws IllegalArgumentException if the declaration is invalid
     */
    static App identify(Path jar, URLClassLoader loader, List<ServiceDefinition> services) throws IOException {
        URL declaration = loader.findResource(ApplicationIdentity.RESOURCE);
        if (declaration != null) {
            try (InputStream in = declaration.openStream()) {
                ApplicationIdentity identity = ApplicationIdentity.read(in);
                return new App(identity.name(), identity.version(), List.copyOf(services));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        jar + ": " + ApplicationIdentity.RESOURCE + ": " + e.getMessage(), e);
            }
        }
        String name = jar.getFileName()
                .toString()
                .replaceFirst("\\.jar$", "")
                .toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9]", "-");
        LOG.warn(
                "{} declares no @Application, so it is named '{}' after its file: a renamed jar would get another, "
                        + "empty store table; declare @Application(name = \"{}\", version = \"...\") to keep this one",
                jar,
                name,
                name);
        return new App(name, App.UNDECLARED, List.copyOf(services));
    }
}
