package dev.mu2sls.http;

import java.net.URI;
import java.util.List;
import java.util.Set;

/**
 * Where a service's instances are: the platform's service discovery. Knative gives each service
 * one stable URL ({@link StaticRoutes}); the local platform publishes its instances in a file
 * ({@link FileRoutes}).
 */
public interface Routes {
    /** The base URIs of the ready instances of {@code service}; empty if none is ready now. */
    List<URI> instances(String service);

    /** The services these routes know, or an empty set if unknown. */
    Set<String> services();
}
