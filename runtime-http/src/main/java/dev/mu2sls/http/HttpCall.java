package dev.mu2sls.http;

import java.util.Arrays;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
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

    /** Equal when every component is, the body by content. */
    @Override
    public boolean equals(Object other) {
        return other instanceof HttpCall that
                && bodyTooLarge == that.bodyTooLarge
                && Objects.equals(method, that.method)
                && Objects.equals(path, that.path)
                && headers.equals(that.headers)
                && Arrays.equals(body, that.body);
    }

    @Override
    public int hashCode() {
        return Objects.hash(method, path, headers, Arrays.hashCode(body), bodyTooLarge);
    }

    /** Method, path, the headers' names (their values may be credentials) and the body's length. */
    @Override
    public String toString() {
        return "HttpCall[" + method + " " + path + " headers " + headers.keySet() + ", body " + body.length + " bytes"
                + (bodyTooLarge ? ", too large" : "") + "]";
    }
}
