package dev.mu2sls.core;

import dev.mu2sls.InvalidRequestException;
import dev.mu2sls.InvalidRequestException.Reason;
import dev.mu2sls.spi.Codec;
import dev.mu2sls.spi.MethodRef;
import dev.mu2sls.spi.ServiceDefinition;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The services an engine runs, each with its one instance, and the checks of a request's input (G6). */
final class ServiceRegistry {
    private final Map<String, ServiceRuntime> services;
    private final int maxPayloadBytes;

    /** Instantiates every service, handing it its {@link EngineState}. */
    ServiceRegistry(List<ServiceDefinition> definitions, Codec codec, int maxPayloadBytes) {
        Map<String, ServiceRuntime> registered = new LinkedHashMap<>();
        for (ServiceDefinition definition : definitions) {
            Object instance = definition.newInstance(new EngineState(definition.name(), codec, maxPayloadBytes));
            if (registered.putIfAbsent(definition.name(), new ServiceRuntime(definition, instance)) != null) {
                throw new IllegalArgumentException("two services are named " + definition.name()
                        + "; service names must be unique (set @Service(name = ...))");
            }
        }
        this.services = Map.copyOf(registered);
        this.maxPayloadBytes = maxPayloadBytes;
    }

    /** The definitions, by name. */
    Map<String, ServiceDefinition> definitions() {
        Map<String, ServiceDefinition> definitions = new LinkedHashMap<>();
        services.forEach((name, runtime) -> definitions.put(name, runtime.definition()));
        return definitions;
    }

    /**
     * The service {@code invocation} calls, once its service and method exist and its id and
     * payload are within limits; nothing has been read or written.
     *
     * @throws InvalidRequestException otherwise
     */
    ServiceRuntime admit(Invocation invocation) {
        ServiceRuntime service = resolve(invocation.service(), invocation.method());
        checkRequest(invocation);
        return service;
    }

    /** @throws InvalidRequestException naming the unknown service and what exists */
    ServiceRuntime runtime(String serviceName) {
        ServiceRuntime service = services.get(serviceName);
        if (service == null) {
            throw new InvalidRequestException(
                    Reason.UNKNOWN_SERVICE,
                    serviceName,
                    null,
                    "unknown service '" + serviceName + "'; this application has " + services.keySet());
        }
        return service;
    }

    private ServiceRuntime resolve(String serviceName, String methodName) {
        ServiceRuntime service = runtime(serviceName);
        if (service.definition().method(methodName) == null) {
            List<String> methods = service.definition().methods().stream()
                    .map(MethodRef::method)
                    .toList();
            throw new InvalidRequestException(
                    Reason.UNKNOWN_METHOD,
                    serviceName,
                    methodName,
                    "service " + serviceName + " has no method '" + methodName + "'; it has " + methods);
        }
        return service;
    }

    private void checkRequest(Invocation invocation) {
        String id = invocation.requestId();
        if (id.isEmpty() || id.length() > Limits.MAX_REQUEST_ID_LENGTH || id.indexOf('\0') >= 0) {
            throw new InvalidRequestException(
                    Reason.BAD_REQUEST_ID,
                    invocation.service(),
                    invocation.method(),
                    "request id must be 1 to " + Limits.MAX_REQUEST_ID_LENGTH + " characters without NUL; got "
                            + id.length() + " characters");
        }
        if (invocation.arguments().length > maxPayloadBytes) {
            throw new InvalidRequestException(
                    Reason.PAYLOAD_TOO_LARGE,
                    invocation.service(),
                    invocation.method(),
                    "arguments of " + invocation.service() + "." + invocation.method() + " are "
                            + invocation.arguments().length + " bytes, over the limit of " + maxPayloadBytes
                            + " bytes; send smaller values or raise maxPayloadBytes");
        }
    }

    /** A client's request id also leaves room for derived call ids and has no {@code /}. */
    static void checkClientRequestId(Invocation invocation) {
        if (invocation.requestId().length() > Limits.MAX_CLIENT_REQUEST_ID_LENGTH) {
            throw new InvalidRequestException(
                    Reason.BAD_REQUEST_ID,
                    invocation.service(),
                    invocation.method(),
                    "client request id is " + invocation.requestId().length() + " characters, over the limit of "
                            + Limits.MAX_CLIENT_REQUEST_ID_LENGTH);
        }
        if (invocation.requestId().indexOf('/') >= 0) {
            throw new InvalidRequestException(
                    Reason.BAD_REQUEST_ID,
                    invocation.service(),
                    invocation.method(),
                    "client request id '" + invocation.requestId() + "' contains '/', which only derived call ids use");
        }
    }
}
