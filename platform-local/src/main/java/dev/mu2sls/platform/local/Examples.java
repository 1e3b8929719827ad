package dev.mu2sls.platform.local;

import dev.mu2sls.spi.ServiceDefinition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * The example services ({@code mu2sls-examples}) by service name, found on the class path through
 * {@code META-INF/services} as any application's are: the platform and the command line run them
 * without compiling against them.
 */
public final class Examples {
    private Examples() {}

    /**
     * New definitions of the services named {@code names}, in that order.
     *
     * @throws IllegalStateException naming the services missing from the class path
     */
    public static List<ServiceDefinition> services(String... names) {
        Map<String, ServiceDefinition> onClassPath = new LinkedHashMap<>();
        ServiceLoader.load(ServiceDefinition.class, Examples.class.getClassLoader())
                .forEach(definition -> onClassPath.putIfAbsent(definition.name(), definition));
        List<ServiceDefinition> services = new ArrayList<>(names.length);
        List<String> missing = new ArrayList<>();
        for (String name : names) {
            ServiceDefinition definition = onClassPath.get(name);
            if (definition == null) {
                missing.add(name);
            } else {
                services.add(definition);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("example services " + missing + " are not on the class path: "
                    + "mu2sls-examples belongs on the runtime class path of the platform and the command line");
        }
        return List.copyOf(services);
    }
}
