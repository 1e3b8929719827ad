package dev.mu2sls.core;

import dev.mu2sls.spi.ServiceDefinition;

/** A registered service: its generated definition and the one object that serves all its requests. */
record ServiceRuntime(ServiceDefinition definition, Object instance) {
    String name() {
        return definition.name();
    }
}
