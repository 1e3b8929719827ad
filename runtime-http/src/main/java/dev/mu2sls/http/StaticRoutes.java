package dev.mu2sls.http;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Fixed routes, one or more base URIs per service: what Knative (one URL per service, the
 * platform balances) and AWS Lambda function URLs need. Parsed from
 * {@code MU2SLS_ROUTES=Service=http://host[,Service2=http://host2...]}.
 */
public final class StaticRoutes implements Routes {
    /** Environment variable with the routes. */
    public static final String ROUTES_ENV = "MU2SLS_ROUTES";

    private final Map<String, List<URI>> routes;

    public StaticRoutes(Map<String, List<URI>> routes) {
        this.routes = Map.copyOf(routes);
    }

    /**
     * Parses {@code Service=uri,Service2=uri2}; a service named twice gets several instances.
     *
     * @throws IllegalArgumentException naming the malformed entry
     */
    public static StaticRoutes parse(String spec) {
        Map<String, List<URI>> routes = new LinkedHashMap<>();
        if (spec != null) {
            for (String entry : spec.split(",")) {
                if (entry.isBlank()) {
                    continue;
                }
                int equals = entry.indexOf('=');
                if (equals <= 0) {
                    throw new IllegalArgumentException(
                            "a route must be 'Service=http://host:port': got '" + entry + "' in " + ROUTES_ENV);
                }
                URI uri = URI.create(entry.substring(equals + 1).strip());
                if (uri.getScheme() == null || uri.getHost() == null) {
                    throw new IllegalArgumentException(
                            "a route's URI must be absolute (http://host:port): got '" + entry + "'");
                }
                routes.computeIfAbsent(entry.substring(0, equals).strip(), s -> new ArrayList<>())
                        .add(uri);
            }
        }
        return new StaticRoutes(routes);
    }

    @Override
    public List<URI> instances(String service) {
        return routes.getOrDefault(service, List.of());
    }

    @Override
    public Set<String> services() {
        return routes.keySet();
    }
}
