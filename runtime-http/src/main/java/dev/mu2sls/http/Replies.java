package dev.mu2sls.http;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mu2sls.InvalidRequestException;
import dev.mu2sls.NondeterminismException;
import dev.mu2sls.core.MisdirectedRequestException;
import dev.mu2sls.core.Response;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The JSON bodies the runtime sends: a request's {@link Response} as
 * {@code {"ok":true,"value":...}} or {@code {"ok":false,"errorType":...,"errorMessage":...}},
 * and errors as {@code {"error":"<message>","problem":"<kebab-case kind>", ...}}.
 */
public final class Replies {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] OK_PREFIX = "{\"ok\":true,\"value\":".getBytes(UTF_8);
    /**
     * The problems a function answers for a call it cannot take as addressed: signed for another
     * service or by another secret ({@link CallSigner#verify}), or on a route it does not serve
     * ({@link FunctionHandler}).
     */
    private static final Set<String> MISADDRESSED =
            Set.of("unsigned", "bad-signature", "stale-signature", "unknown-route");

    private Replies() {}

    /** A recorded response as a 200 reply; the value's bytes are copied verbatim. */
    public static HttpReply response(Response response) {
        if (response.ok()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(OK_PREFIX.length + response.value().length + 1);
            out.writeBytes(OK_PREFIX);
            out.writeBytes(response.value());
            out.write('}');
            return new HttpReply(200, Map.of(), out.toByteArray());
        }
        ObjectNode node = JSON.createObjectNode()
                .put("ok", false)
                .put("errorType", response.errorType())
                .put("errorMessage", response.errorMessage());
        return new HttpReply(200, Map.of(), node.toString().getBytes(UTF_8));
    }

    /** Reads back what {@link #response} wrote. */
    static Response parseResponse(byte[] body) {
        if (successful(body)) {
            return Response.success(Arrays.copyOfRange(body, OK_PREFIX.length, body.length - 1));
        }
        JsonNode node = failure(body);
        if (node == null) {
            throw new IllegalStateException("a function answered 200 with a body that is not a response: "
                    + new String(body, 0, Math.min(body.length, 300), UTF_8));
        }
        return Response.failure(
                node.get("errorType").asText(),
                node.path("errorMessage").isNull()
                        ? null
                        : node.path("errorMessage").asText(null));
    }

    private static boolean successful(byte[] body) {
        return body.length > OK_PREFIX.length
                && Arrays.equals(body, 0, OK_PREFIX.length, OK_PREFIX, 0, OK_PREFIX.length)
                && body[body.length - 1] == '}';
    }

    /** The failed {@link #response} {@code body} holds, or null if it holds none. */
    private static JsonNode failure(byte[] body) {
        JsonNode node = tree(body);
        return node == null
                        || !node.path("ok").isBoolean()
                        || node.path("ok").asBoolean()
                        || !node.path("errorType").isTextual()
                ? null
                : node;
    }

    /** An error reply: {@code {"error": message, "problem": problem}}. */
    public static HttpReply error(int status, String problem, String message) {
        return new HttpReply(
                status,
                Map.of(),
                JSON.createObjectNode()
                        .put("error", message)
                        .put("problem", problem)
                        .toString()
                        .getBytes(UTF_8));
    }

    /** A bad request the engine rejected (G6), with the status its reason maps to. */
    public static HttpReply invalid(InvalidRequestException e) {
        int status =
                switch (e.reason()) {
                    case UNKNOWN_SERVICE, UNKNOWN_METHOD -> 404;
                    case PAYLOAD_TOO_LARGE -> 413;
                    case WRONG_ARITY,
                            BAD_ARGUMENT,
                            MALFORMED_JSON,
                            NOT_SERIALIZABLE,
                            BAD_REQUEST_ID,
                            STATE_LIMIT_EXCEEDED -> 400;
                    case IDEMPOTENCY_KEY_REUSED -> 422;
                };
        ObjectNode node = JSON.createObjectNode()
                .put("error", e.getMessage())
                .put("problem", e.reason().name().toLowerCase(Locale.ROOT).replace('_', '-'))
                .put("reason", e.reason().name());
        if (e.service() != null) {
            node.put("service", e.service());
        }
        if (e.method() != null) {
            node.put("method", e.method());
        }
        if (e.argument() != null) {
            node.put("argument", e.argument());
        }
        return new HttpReply(status, Map.of(), node.toString().getBytes(UTF_8));
    }

    /** A handler that diverged from its journal (G3): 500, not retried. */
    static HttpReply nondeterminism(NondeterminismException e) {
        ObjectNode node = JSON.createObjectNode()
                .put("error", e.getMessage())
                .put("problem", "nondeterminism")
                .put("requestId", e.requestId())
                .put("service", e.service())
                .put("method", e.method())
                .put("step", e.step())
                .put("expected", e.expected())
                .put("actual", e.actual());
        return new HttpReply(500, Map.of(), node.toString().getBytes(UTF_8));
    }

    /** Status of a delivery that must go to the application version that ran its request (RFC 9110's 421). */
    static final int MISDIRECTED = 421;

    /** A request another live application version ran ({@link MisdirectedRequestException}): 421 naming it. */
    static HttpReply misdirected(MisdirectedRequestException e) {
        ObjectNode node = JSON.createObjectNode()
                .put("error", e.getMessage())
                .put("problem", "misdirected")
                .put("version", e.version());
        return new HttpReply(MISDIRECTED, Map.of(), node.toString().getBytes(UTF_8));
    }

    /** The version a {@link #misdirected} reply names, or null if {@code body} is not one. */
    static String misdirectedTo(int status, byte[] body) {
        JsonNode node = status == MISDIRECTED ? tree(body) : null;
        return node != null && node.path("version").isTextual()
                ? node.get("version").asText()
                : null;
    }

    /**
     * Whether a reply is not the answer of the function a call was addressed to: a function's
     * refusal of the call as not addressed to it, or a 200 that is not a {@link #response}. What
     * answers at an address the callee no longer has (a port its dead instance freed, now another
     * service's or another program's), not the callee.
     */
    static boolean misaddressed(int status, byte[] body) {
        if (status == 200) {
            return !successful(body) && failure(body) == null;
        }
        if (status != 401 && status != 403 && status != 404) {
            return false;
        }
        JsonNode node = tree(body);
        return node != null && MISADDRESSED.contains(node.path("problem").asText());
    }

    /** Rebuilds a {@link #nondeterminism} report, or null if {@code body} is not one. */
    static NondeterminismException parseNondeterminism(int status, byte[] body) {
        if (status != 500) {
            return null;
        }
        JsonNode node = tree(body);
        if (node == null || !"nondeterminism".equals(node.path("problem").asText())) {
            return null;
        }
        return new NondeterminismException(
                node.path("requestId").asText(),
                node.path("service").asText(),
                node.path("method").asText(),
                node.path("step").asInt(),
                node.path("expected").asText(),
                node.path("actual").asText());
    }

    /** Rebuilds the engine's exception from an {@link #invalid} reply, or null if it is not one. */
    static InvalidRequestException parseInvalid(byte[] body) {
        JsonNode node = tree(body);
        if (node == null || !node.path("reason").isTextual()) {
            return null;
        }
        InvalidRequestException.Reason reason;
        try {
            reason = InvalidRequestException.Reason.valueOf(node.get("reason").asText());
        } catch (IllegalArgumentException e) {
            return null;
        }
        return new InvalidRequestException(
                reason,
                node.path("service").asText(null),
                node.path("method").asText(null),
                node.path("argument").asText(null),
                node.path("error").asText());
    }

    static JsonNode tree(byte[] body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }
}
