package dev.mu2sls.spi;

import java.lang.reflect.Type;
import java.util.List;

/**
 * A service method as generated code describes it: routing name, parameter names and types,
 * return type ({@code void.class} for none).
 *
 * @param index position of the method in its {@link ServiceDefinition#methods()} list
 */
public record MethodRef(String service, String method, int index, List<String> parameterNames,
                        List<Type> parameterTypes, Type returnType) {
    public MethodRef {
        parameterNames = List.copyOf(parameterNames);
        parameterTypes = List.copyOf(parameterTypes);
        if (parameterNames.size() != parameterTypes.size()) {
            throw new IllegalArgumentException("parameter names and types differ in length for " + service + "." + method);
        }
    }

    /** Whether the method returns nothing. */
    public boolean isVoid() {
        return returnType == void.class || returnType == Void.class;
    }

    @Override
    public String toString() {
        return service + "." + method;
    }
}
