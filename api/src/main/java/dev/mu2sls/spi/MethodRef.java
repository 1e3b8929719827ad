package dev.mu2sls.spi;

import java.lang.reflect.Type;
import java.util.Collections;
import java.util.List;

/**
 * A service method as generated code describes it: routing name, parameter names and types,
 * return type ({@code void.class} for none), whether clients may call it, and which parameters
 * accept null.
 *
 * @param index position of the method in its {@link ServiceDefinition#methods()} list
 * @param internal whether only other services may call it ({@link dev.mu2sls.Internal},
 *     {@code @Service(internal = true)}); the gateway refuses it to clients
 * @param nullableParameters per parameter, whether a JSON {@code null} is accepted for it (a
 *     reference parameter annotated {@code @Nullable}); null is refused for every other one
 */
public record MethodRef(
        String service,
        String method,
        int index,
        List<String> parameterNames,
        List<Type> parameterTypes,
        Type returnType,
        boolean internal,
        List<Boolean> nullableParameters) {
    public MethodRef {
        parameterNames = List.copyOf(parameterNames);
        parameterTypes = List.copyOf(parameterTypes);
        nullableParameters = List.copyOf(nullableParameters);
        if (parameterNames.size() != parameterTypes.size() || parameterNames.size() != nullableParameters.size()) {
            throw new IllegalArgumentException(
                    "parameter names, types and nullability differ in length for " + service + "." + method);
        }
    }

    /** A method clients may call whose parameters all refuse null. */
    public MethodRef(
            String service,
            String method,
            int index,
            List<String> parameterNames,
            List<Type> parameterTypes,
            Type returnType) {
        this(
                service,
                method,
                index,
                parameterNames,
                parameterTypes,
                returnType,
                false,
                Collections.nCopies(parameterNames.size(), false));
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
