package dev.mu2sls.check;

import dev.mu2sls.core.Response;

/**
 * Sends one client request by name, on any platform: {@code Simulator::call}, an HTTP gateway
 * client, a Lambda invoker. What {@link RecordingClient} wraps.
 */
@FunctionalInterface
public interface Client {

    /**
     * Sends a request and waits for its response.
     *
     * @param requestId the request's idempotency key; the same id is the same request
     * @param jsonArguments a JSON array of the arguments
     */
    Response call(String requestId, String service, String method, String jsonArguments);
}
