package dev.mu2sls.processor;

import dev.mu2sls.processor.ServiceModel.Operation;
import dev.mu2sls.processor.ServiceModel.Parameter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.TypeParameterElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Validates one {@code @Service} class and builds its {@link ServiceModel}. Every problem is
 * reported on the offending element; a class with any error yields no model.
 */
final class ServiceScanner {
    private final Elements elements;
    private final Types types;
    private final Diagnostics diagnostics;
    private final SerializableTypes serializable;
    private final NondeterminismScanner nondeterminism; // null when the Tree API is unavailable

    ServiceScanner(Elements elements, Types types, Diagnostics diagnostics, NondeterminismScanner nondeterminism) {
        this.elements = elements;
        this.types = types;
        this.diagnostics = diagnostics;
        this.serializable = new SerializableTypes(elements, types);
        this.nondeterminism = nondeterminism;
    }

    /** The model of {@code type}, or {@code null} if it has errors (all of them reported). */
    ServiceModel scan(TypeElement type) {
        int errorsBefore = diagnostics.errorCount();
        if (!checkShape(type)) {
            return null;
        }
        String serviceName = serviceName(type);
        Boolean stateConstructor = constructor(type);
        checkFields(type);
        List<Operation> operations = operations(type);
        if (nondeterminism != null) {
            nondeterminism.scan(type, diagnostics);
        }
        if (diagnostics.errorCount() > errorsBefore || serviceName == null || stateConstructor == null) {
            return null;
        }
        return new ServiceModel(type, serviceName, stateConstructor, operations);
    }

    /**
     * Whether the signatures the generators use still mention types that do not exist yet (for
     * instance records produced by another processor in this round).
     */
    boolean hasUnresolvedTypes(TypeElement type) {
        for (ExecutableElement method : ElementFilter.methodsIn(type.getEnclosedElements())) {
            if (isOperationCandidate(method)) {
                if (containsError(method.getReturnType())) {
                    return true;
                }
                for (VariableElement parameter : method.getParameters()) {
                    if (containsError(parameter.asType())) {
                        return true;
                    }
                }
            }
        }
        for (VariableElement field : ElementFilter.fieldsIn(type.getEnclosedElements())) {
            TypeMirror fieldType = field.asType();
            if (isDeclared(fieldType, Names.PERSISTENT_MAP) || isDeclared(fieldType, Names.PERSISTENT_VALUE)) {
                if (containsError(fieldType)) {
                    return true;
                }
            }
        }
        return false;
    }

    // ---- the class itself ----

    private boolean checkShape(TypeElement type) {
        String name = type.getSimpleName().toString();
        if (type.getKind() != ElementKind.CLASS) {
            diagnostics.error(
                    type,
                    name + " is " + kindName(type.getKind())
                            + "; @Service goes on a public top-level class (public class " + name + " { ... })");
            return false;
        }
        boolean ok = true;
        if (type.getNestingKind() != NestingKind.TOP_LEVEL) {
            diagnostics.error(
                    type,
                    name + " is nested in " + type.getEnclosingElement().getSimpleName()
                            + "; a @Service class must be top level: move it to its own file " + name + ".java");
            ok = false;
        }
        if (!type.getModifiers().contains(Modifier.PUBLIC)) {
            diagnostics.error(
                    type,
                    name + " is not public; a @Service class must be public so the runtime "
                            + "can create it: declare it public class " + name);
            ok = false;
        }
        if (type.getModifiers().contains(Modifier.ABSTRACT)) {
            diagnostics.error(type, name + " is abstract; a @Service class must be concrete: remove abstract");
            ok = false;
        }
        if (!type.getTypeParameters().isEmpty()) {
            diagnostics.error(
                    type,
                    name + " declares type parameters " + typeParameters(type.getTypeParameters())
                            + "; a @Service class cannot be generic: use concrete types");
            ok = false;
        }
        return ok;
    }

    private static String kindName(ElementKind kind) {
        return switch (kind) {
            case INTERFACE -> "an interface";
            case ENUM -> "an enum";
            case RECORD -> "a record";
            case ANNOTATION_TYPE -> "an annotation type";
            default -> "a " + kind.name().toLowerCase(Locale.ROOT);
        };
    }

    private String serviceName(TypeElement type) {
        String name = type.getSimpleName().toString();
        if (serviceElement(type, "name") instanceof String value && !value.isEmpty()) {
            name = value;
        }
        if (!Names.isValidServiceName(name)) {
            diagnostics.error(
                    type,
                    type.getSimpleName() + ": service name '" + name + "' is not valid; use "
                            + "letters, digits and underscores, starting with a letter, e.g. @Service(name = \""
                            + type.getSimpleName() + "\")");
            return null;
        }
        return name;
    }

    /** {@code TRUE} for a public {@code (State)} constructor, {@code FALSE} for a public {@code ()} one, else null. */
    private Boolean constructor(TypeElement type) {
        String name = type.getSimpleName().toString();
        TypeElement state = elements.getTypeElement(Names.STATE);
        ExecutableElement withState = null;
        ExecutableElement noArgs = null;
        for (ExecutableElement constructor : ElementFilter.constructorsIn(type.getEnclosedElements())) {
            if (!constructor.getModifiers().contains(Modifier.PUBLIC)) {
                continue;
            }
            List<? extends VariableElement> parameters = constructor.getParameters();
            if (parameters.isEmpty()) {
                noArgs = constructor;
            } else if (parameters.size() == 1
                    && state != null
                    && types.isSameType(parameters.get(0).asType(), state.asType())) {
                withState = constructor;
            }
        }
        ExecutableElement chosen = withState != null ? withState : noArgs;
        if (chosen == null) {
            diagnostics.error(
                    type,
                    name + " has no public constructor taking () or (dev.mu2sls.State); add " + "public " + name
                            + "(State state) { ... } or public " + name + "() { ... }");
            return null;
        }
        for (TypeMirror thrown : chosen.getThrownTypes()) {
            if (isChecked(thrown)) {
                diagnostics.error(
                        chosen,
                        name + " constructor declares checked exception " + thrown
                                + "; a service constructor must not throw checked exceptions: handle it or wrap it in "
                                + "an unchecked exception");
                return null;
            }
        }
        return chosen == withState;
    }

    private boolean isChecked(TypeMirror thrown) {
        TypeElement runtime = elements.getTypeElement("java.lang.RuntimeException");
        TypeElement error = elements.getTypeElement("java.lang.Error");
        return !(types.isSubtype(thrown, runtime.asType()) || types.isSubtype(thrown, error.asType()));
    }

    // ---- fields ----

    private void checkFields(TypeElement type) {
        String owner = type.getSimpleName().toString();
        boolean classAllows = Names.allowsNondeterminism(type);
        for (VariableElement field : ElementFilter.fieldsIn(type.getEnclosedElements())) {
            Set<Modifier> modifiers = field.getModifiers();
            String label = owner + " field '" + field.getSimpleName() + "'";
            boolean allowed = classAllows || Names.allowsNondeterminism(field);
            if (modifiers.contains(Modifier.STATIC)) {
                if (!modifiers.contains(Modifier.FINAL) && !allowed) {
                    diagnostics.error(
                            field,
                            label + " is static and not final: mutable static state is shared "
                                    + "by whatever requests one instance happens to run and is lost with it, so it is "
                                    + "nondeterministic; keep durable state in State (PersistentMap/PersistentValue), make "
                                    + "the field final, or annotate it @AllowNondeterminism");
                }
                continue;
            }
            TypeMirror fieldType = field.asType();
            if (isDeclared(fieldType, Names.PERSISTENT_MAP)) {
                checkPersistentMap(field, label, (DeclaredType) fieldType);
            } else if (isDeclared(fieldType, Names.PERSISTENT_VALUE)) {
                checkPersistentValue(field, label, (DeclaredType) fieldType);
            } else if (isClientType(fieldType)) {
                // a generated client is a stateless handle: fine in any field
            } else if (!modifiers.contains(Modifier.FINAL) && !allowed) {
                diagnostics.warning(
                        field,
                        label + " is not final, so it is transient: it is not persisted and "
                                + "may vanish (or differ) whenever the instance holding it is replaced; keep durable "
                                + "state in State (PersistentMap/PersistentValue), or make the field final");
            }
        }
    }

    private void checkPersistentMap(VariableElement field, String label, DeclaredType type) {
        List<? extends TypeMirror> arguments = type.getTypeArguments();
        if (arguments.size() != 2) {
            diagnostics.error(
                    field,
                    label + " uses the raw type PersistentMap; declare its key and value types, "
                            + "e.g. PersistentMap<String, Long>");
            return;
        }
        TypeMirror key = arguments.get(0);
        if (!serializable.isStateKey(key) && key.getKind() != TypeKind.ERROR) {
            diagnostics.error(
                    field, label + ": key type " + key + " is not supported; use " + "String, Long, Integer or UUID");
        }
        checkStateValue(field, label, arguments.get(1));
    }

    private void checkPersistentValue(VariableElement field, String label, DeclaredType type) {
        List<? extends TypeMirror> arguments = type.getTypeArguments();
        if (arguments.size() != 1) {
            diagnostics.error(
                    field,
                    label + " uses the raw type PersistentValue; declare its value type, "
                            + "e.g. PersistentValue<String>");
            return;
        }
        checkStateValue(field, label, arguments.get(0));
    }

    private void checkStateValue(VariableElement field, String label, TypeMirror value) {
        SerializableTypes.Problem problem = serializable.check(value);
        if (problem != null) {
            diagnostics.error(field, problem.message(label + " has value type", value));
        }
    }

    /** Generated clients (and anything named like one) are stateless handles. */
    private static boolean isClientType(TypeMirror type) {
        if (type.getKind() != TypeKind.DECLARED && type.getKind() != TypeKind.ERROR) {
            return false;
        }
        Element element = ((DeclaredType) type).asElement();
        return element.getSimpleName().toString().endsWith("Client");
    }

    // ---- operations ----

    private boolean isOperationCandidate(ExecutableElement method) {
        Set<Modifier> modifiers = method.getModifiers();
        return modifiers.contains(Modifier.PUBLIC)
                && !modifiers.contains(Modifier.STATIC)
                && !overridesObjectMethod(method);
    }

    private boolean overridesObjectMethod(ExecutableElement method) {
        TypeElement object = elements.getTypeElement("java.lang.Object");
        TypeElement owner = (TypeElement) method.getEnclosingElement();
        for (ExecutableElement candidate : ElementFilter.methodsIn(object.getEnclosedElements())) {
            if (candidate.getSimpleName().equals(method.getSimpleName())
                    && elements.overrides(method, candidate, owner)) {
                return true;
            }
        }
        return false;
    }

    /** The value of {@code @Service}'s element {@code element} as written on {@code type}, or null when left to its default. */
    private static Object serviceElement(TypeElement type, String element) {
        for (AnnotationMirror mirror : type.getAnnotationMirrors()) {
            if (((TypeElement) mirror.getAnnotationType().asElement())
                    .getQualifiedName()
                    .contentEquals(Names.SERVICE)) {
                for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> entry :
                        mirror.getElementValues().entrySet()) {
                    if (entry.getKey().getSimpleName().contentEquals(element)) {
                        return entry.getValue().getValue();
                    }
                }
            }
        }
        return null;
    }

    private static boolean hasAnnotation(Element element, String qualifiedName) {
        return element.getAnnotationMirrors().stream()
                .anyMatch(m -> ((TypeElement) m.getAnnotationType().asElement())
                        .getQualifiedName()
                        .contentEquals(qualifiedName));
    }

    /** Annotated with any {@code Nullable}, as a declaration or a type use (JSpecify's is the latter). */
    private static boolean isNullable(VariableElement parameter) {
        return Stream.concat(
                        parameter.getAnnotationMirrors().stream(), parameter.asType().getAnnotationMirrors().stream())
                .anyMatch(m -> m.getAnnotationType().asElement().getSimpleName().contentEquals(Names.NULLABLE));
    }

    private List<Operation> operations(TypeElement type) {
        String owner = type.getSimpleName().toString();
        boolean serviceInternal = Boolean.TRUE.equals(serviceElement(type, "internal"));
        Map<String, ExecutableElement> byName = new LinkedHashMap<>();
        Set<String> constants = new HashSet<>();
        List<Operation> operations = new ArrayList<>();
        for (ExecutableElement method : ElementFilter.methodsIn(type.getEnclosedElements())) {
            if (!isOperationCandidate(method)) {
                continue;
            }
            String name = method.getSimpleName().toString();
            String label = owner + "." + name;
            ExecutableElement earlier = byName.putIfAbsent(name, method);
            if (earlier != null) {
                diagnostics.error(
                        method,
                        owner + " has two public methods named '" + name + "': " + earlier
                                + " and " + method + "; calls are routed by name, so give each operation its own name "
                                + "(or make one of them non-public)");
                continue;
            }
            boolean ok = true;
            if (name.equals("async")) {
                diagnostics.error(
                        method,
                        label + ": the name 'async' is reserved for the generated client's "
                                + "async() view; rename the method");
                ok = false;
            }
            if (name.equals("send")
                    && (method.getParameters().isEmpty()
                            || (method.getParameters().size() == 1
                                    && method.getParameters()
                                            .getFirst()
                                            .asType()
                                            .toString()
                                            .equals("java.time.Duration")))) {
                diagnostics.error(
                        method,
                        label + ": a method 'send' with no parameters or one Duration clashes with the "
                                + "generated client's send() and send(Duration) views; rename the method");
                ok = false;
            }
            if (!method.getTypeParameters().isEmpty()) {
                diagnostics.error(
                        method,
                        label + " declares type parameters "
                                + typeParameters(method.getTypeParameters()) + "; service methods cannot be generic "
                                + "(the runtime must know what to deserialize): use concrete types");
                continue; // its type variables would only repeat the same complaint
            }
            List<Parameter> parameters = new ArrayList<>();
            for (VariableElement parameter : method.getParameters()) {
                TypeMirror parameterType = parameter.asType();
                SerializableTypes.Problem problem = serializable.check(parameterType);
                if (problem != null) {
                    diagnostics.error(
                            method,
                            problem.message(
                                    label + " parameter '" + parameter.getSimpleName() + "' has type", parameterType));
                    ok = false;
                }
                parameters.add(new Parameter(
                        parameter.getSimpleName().toString(),
                        parameterType,
                        !parameterType.getKind().isPrimitive() && isNullable(parameter)));
            }
            TypeMirror returnType = method.getReturnType();
            if (returnType.getKind() != TypeKind.VOID && !isDeclared(returnType, "java.lang.Void")) {
                SerializableTypes.Problem problem = serializable.check(returnType);
                if (problem != null) {
                    diagnostics.error(method, problem.message(label + " returns", returnType));
                    ok = false;
                }
            }
            if (ok) {
                String constant = Names.constantName(name);
                if (!constants.add(constant)) {
                    constant = constant + "_" + operations.size();
                    constants.add(constant);
                }
                boolean varargs = method.isVarArgs() && isReifiableArray(parameters);
                operations.add(new Operation(
                        method,
                        name,
                        constant,
                        operations.size(),
                        parameters,
                        returnType,
                        varargs,
                        serviceInternal || hasAnnotation(method, Names.INTERNAL)));
            }
        }
        return operations;
    }

    /** Varargs are kept only when the element type is reifiable, so generated code has no heap-pollution warning. */
    private static boolean isReifiableArray(List<Parameter> parameters) {
        TypeMirror last = parameters.get(parameters.size() - 1).type();
        return last instanceof ArrayType array && !TypeCode.isGeneric(array.getComponentType());
    }

    // ---- type helpers ----

    private static String typeParameters(List<? extends TypeParameterElement> parameters) {
        return parameters.stream().map(Object::toString).collect(Collectors.joining(", ", "<", ">"));
    }

    private static boolean isDeclared(TypeMirror type, String qualifiedName) {
        return type.getKind() == TypeKind.DECLARED
                && SerializableTypes.qualifiedName(type).equals(qualifiedName);
    }

    private static boolean containsError(TypeMirror type) {
        return switch (type.getKind()) {
            case ERROR -> true;
            case ARRAY -> containsError(((ArrayType) type).getComponentType());
            case DECLARED -> ((DeclaredType) type).getTypeArguments().stream().anyMatch(ServiceScanner::containsError);
            default -> false;
        };
    }
}
