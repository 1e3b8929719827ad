package dev.mu2sls.http;

import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One HTTP request as the handlers see it, independent of the server (Jetty, the JDK's server, a
 * Lambda event).
 *
 * @param method the HTTP method
 * @param path the request path, without query
 * @param headers request headers, names lower-cased (first value of each)
 * @param body the body, at most the limit the server read
 * @param bodyTooLarge whether the body was longer than the limit (then {@code body} is truncated)
 */
public record HttpCall(String method, String path, Map<String, String> headers, byte[] body, boolean bodyTooLarge) {

    public HttpCall {
        TreeMap<String, String> lower = new TreeMap<>();
        headers.forEach((name, value) -> lower.putIfAbsent(name.toLowerCase(Locale.ROOT), value));
        headers = Collections.unmodifiableMap(lower);
    }

    /** The first value of header {@code name} (case-insensitive), or null. */
    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }
}
