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

    /**
     * The ready instances of {@code service} that run application version {@code version} while
     * the platform keeps that version ({@link #keeps}; empty while they start), else (or with
     * {@code version} null) {@link #instances(String)}: a request goes to the version that ran it
     * while that version is kept beside a newer one, else to the newest. Routes that know no
     * versions answer {@link #instances(String)}.
     */
    default List<URI> instances(String service, String version) {
        return instances(service);
    }

    /**
     * Whether the platform keeps application version {@code version} of {@code service}, ready or
     * starting (routes without versions: no): a request that version ran goes there.
     */
    default boolean keeps(String service, String version) {
        return false;
    }

    /** The services these routes know, or an empty set if unknown. */
    Set<String> services();
}
