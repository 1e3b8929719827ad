package dev.mu2sls.processor;

import com.palantir.javapoet.ClassName;
import java.util.List;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;

/**
 * A validated service, everything the generators need.
 *
 * @param type the {@code @Service} class
 * @param serviceName the routing name
 * @param stateConstructor whether the class is created with {@code new X(state)} rather than {@code new X()}
 * @param operations the public methods, in declaration order
 */
record ServiceModel(TypeElement type, String serviceName, boolean stateConstructor, List<Operation> operations) {

    ServiceModel {
        operations = List.copyOf(operations);
    }

    ClassName className() {
        return ClassName.get(type);
    }

    ClassName clientName() {
        return className().peerClass(type.getSimpleName() + "Client");
    }

    ClassName dispatcherName() {
        return className().peerClass(type.getSimpleName() + "Dispatcher");
    }

    /**
     * One public method of the service.
     *
     * @param constant name of the {@code MethodRef} constant in the client, e.g. {@code PLACE_ORDER}
     * @param index position in {@code ServiceDefinition.methods()}
     * @param internal whether only other services may call it
     */
    record Operation(
            ExecutableElement element,
            String name,
            String constant,
            int index,
            List<Parameter> parameters,
            TypeMirror returnType,
            boolean varargs,
            boolean internal) {
        Operation {
            parameters = List.copyOf(parameters);
        }

        boolean isVoid() {
            return returnType.getKind() == TypeKind.VOID;
        }
    }

    /** A parameter of an operation; {@code nullable} when it is annotated {@code @Nullable}. */
    record Parameter(String name, TypeMirror type, boolean nullable) {}
}
