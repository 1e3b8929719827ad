package dev.mu2sls.http;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An HTTP response as the handlers produce it.
 *
 * @param status the status code
 * @param headers extra response headers (Content-Type is always {@code application/json})
 * @param body the JSON body
 */
public record HttpReply(int status, Map<String, String> headers, byte[] body) {

    public HttpReply {
        headers = Map.copyOf(headers);
    }

    static HttpReply json(int status, String json) {
        return new HttpReply(status, Map.of(), json.getBytes(UTF_8));
    }

    HttpReply withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new HttpReply(status, more, body);
    }

    public String bodyText() {
        return new String(body, UTF_8);
    }

    /** Equal when status, headers and the body's bytes are. */
    @Override
    public boolean equals(Object other) {
        return other instanceof HttpReply that
                && status == that.status
                && headers.equals(that.headers)
                && Arrays.equals(body, that.body);
    }

    @Override
    public int hashCode() {
        return Objects.hash(status, headers, Arrays.hashCode(body));
    }

    /** The status, the headers and the body's length. */
    @Override
    public String toString() {
        return "HttpReply[" + status + " " + headers + ", body " + body.length + " bytes]";
    }
}
