package dev.mu2sls.examples.upgrade;

import dev.mu2sls.State;
import dev.mu2sls.spi.MethodRef;
import dev.mu2sls.spi.ServiceDefinition;
import java.util.List;

/**
 * A service definition deployed under another service name: two versions of one service, which
 * one compilation cannot name alike, each deployed as what it upgrades ({@code Signup}).
 */
public record Deployed(String name, ServiceDefinition version) implements ServiceDefinition {

    @Override
    public Class<?> serviceClass() {
        return version.serviceClass();
    }

    @Override
    public List<MethodRef> methods() {
        return version.methods().stream()
                .map(m -> new MethodRef(
                        name,
                        m.method(),
                        m.index(),
                        m.parameterNames(),
                        m.parameterTypes(),
                        m.returnType(),
                        m.internal(),
                        m.nullableParameters()))
                .toList();
    }

    @Override
    public Object newInstance(State state) {
        return version.newInstance(state);
    }

    @Override
    public Object invoke(Object service, int methodIndex, Object[] args) throws Exception {
        return version.invoke(service, methodIndex, args);
    }
}
