package dev.mu2sls.processor;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.ExecutableType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Decides whether a type can travel as a request argument, a response or a persistent value:
 * primitives and boxes, {@code String}, enums, records of serializable components, the
 * {@code java.time} value types, {@code UUID}, {@code BigDecimal}, {@code BigInteger}, arrays,
 * and {@code Optional}/{@code List}/{@code Set}/{@code Collection}/{@code Map} of those.
 */
final class SerializableTypes {

    /**
     * Why a type cannot be serialized.
     *
     * @param offending the innermost type that is not serializable
     * @param detail where it sits inside the checked type (e.g. a record component), or {@code null}
     * @param fix what to use instead
     */
    record Problem(String offending, String detail, String fix) {
        Problem within(String where) {
            return detail == null ? new Problem(offending, where, fix) : this;
        }

        /** "{subject} {verb} T, which cannot be serialized[: detail]; fix". */
        String message(String subjectAndVerb, TypeMirror checked) {
            String type = checked.toString();
            String context = "";
            if (detail != null) {
                context = ": " + detail;
            } else if (!offending.equals(type)) {
                context = ": " + offending + " is not serializable";
            }
            return subjectAndVerb + " " + type + ", which cannot be serialized" + context + "; " + fix;
        }
    }

    /** Key types a {@code PersistentMap} supports, in the order messages list them. */
    static final List<String> STATE_KEY_TYPES =
            List.of("java.lang.String", "java.lang.Long", "java.lang.Integer", "java.util.UUID");

    private static final Set<String> VALUE_TYPES = Set.of(
            "java.lang.String",
            "java.lang.Boolean",
            "java.lang.Byte",
            "java.lang.Short",
            "java.lang.Integer",
            "java.lang.Long",
            "java.lang.Float",
            "java.lang.Double",
            "java.lang.Character",
            "java.time.Instant",
            "java.time.LocalDate",
            "java.time.LocalTime",
            "java.time.LocalDateTime",
            "java.time.OffsetDateTime",
            "java.time.ZonedDateTime",
            "java.time.Duration",
            "java.time.Period",
            "java.util.UUID",
            "java.math.BigDecimal",
            "java.math.BigInteger");

    private static final Set<String> ONE_ARGUMENT_CONTAINERS =
            Set.of("java.util.Optional", "java.util.List", "java.util.Set", "java.util.Collection");

    private static final Set<String> MAP_KEY_TYPES = Set.of(
            "java.lang.String",
            "java.lang.Byte",
            "java.lang.Short",
            "java.lang.Integer",
            "java.lang.Long",
            "java.lang.Float",
            "java.lang.Double",
            "java.util.UUID");

    private static final String RECORD_FIX = "use a record of serializable values";

    private final Elements elements;
    private final Types types;

    SerializableTypes(Elements elements, Types types) {
        this.elements = elements;
        this.types = types;
    }

    /** The reason {@code type} cannot be serialized, or {@code null} if it can. */
    Problem check(TypeMirror type) {
        return check(type, new HashSet<>());
    }

    /** Whether {@code type} is one of the key types {@code PersistentMap} supports. */
    boolean isStateKey(TypeMirror type) {
        return type.getKind() == TypeKind.DECLARED && STATE_KEY_TYPES.contains(qualifiedName(type));
    }

    private Problem check(TypeMirror type, Set<String> inProgress) {
        switch (type.getKind()) {
            case BOOLEAN, BYTE, SHORT, INT, LONG, CHAR, FLOAT, DOUBLE:
                return null;
            case ARRAY:
                return check(((ArrayType) type).getComponentType(), inProgress);
            case TYPEVAR:
                return new Problem(
                        type.toString(),
                        "type variable " + type + " has no concrete type at run time",
                        "use a concrete type; service methods and state cannot be generic");
            case WILDCARD:
                return new Problem(
                        type.toString(),
                        "wildcard " + type + " does not say what to deserialize",
                        "use a concrete type argument instead of a wildcard");
            case DECLARED:
                return checkDeclared((DeclaredType) type, inProgress);
            case ERROR:
                return null; // unresolved: javac reports it
            default:
                return new Problem(type.toString(), null, RECORD_FIX);
        }
    }

    private Problem checkDeclared(DeclaredType type, Set<String> inProgress) {
        TypeElement element = (TypeElement) type.asElement();
        String name = element.getQualifiedName().toString();
        List<? extends TypeMirror> arguments = type.getTypeArguments();

        if (VALUE_TYPES.contains(name) || element.getKind() == ElementKind.ENUM) {
            return privateProblem(element, type);
        }
        if (ONE_ARGUMENT_CONTAINERS.contains(name)) {
            if (arguments.size() != 1) {
                return rawProblem(type, name + "<String>");
            }
            return check(arguments.get(0), inProgress);
        }
        if (name.equals("java.util.Map")) {
            if (arguments.size() != 2) {
                return rawProblem(type, "java.util.Map<String, Long>");
            }
            Problem keyProblem = checkMapKey(arguments.get(0));
            if (keyProblem != null) {
                return keyProblem;
            }
            return check(arguments.get(1), inProgress);
        }
        if (element.getKind() == ElementKind.RECORD) {
            if (arguments.isEmpty() && !element.getTypeParameters().isEmpty()) {
                return rawProblem(type, name + "<...>");
            }
            Problem inaccessible = privateProblem(element, type);
            if (inaccessible != null) {
                return inaccessible;
            }
            String key = type.toString();
            if (!inProgress.add(key)) {
                return null; // recursive record: judged by its other components
            }
            try {
                for (RecordComponentElement component : element.getRecordComponents()) {
                    TypeMirror componentType = componentType(type, component);
                    Problem inner = check(componentType, inProgress);
                    if (inner != null) {
                        return inner.within("record " + element.getQualifiedName() + " component '"
                                + component.getSimpleName() + "' has type " + componentType);
                    }
                }
            } finally {
                inProgress.remove(key);
            }
            return null;
        }
        return new Problem(type.toString(), null, fixFor(element, name));
    }

    private Problem checkMapKey(TypeMirror key) {
        if (key.getKind() == TypeKind.DECLARED) {
            TypeElement element = (TypeElement) ((DeclaredType) key).asElement();
            if (MAP_KEY_TYPES.contains(element.getQualifiedName().toString())
                    || element.getKind() == ElementKind.ENUM) {
                return null;
            }
        } else if (key.getKind() == TypeKind.ERROR) {
            return null;
        }
        return new Problem(
                key.toString(),
                "map key type " + key + " is not supported",
                "use String, a boxed number (Integer, Long, ...), java.util.UUID or an enum as map keys");
    }

    private TypeMirror componentType(DeclaredType record, RecordComponentElement component) {
        ExecutableElement accessor = component.getAccessor();
        if (accessor != null) {
            try {
                TypeMirror member = types.asMemberOf(record, accessor);
                if (member instanceof ExecutableType executable) {
                    return executable.getReturnType();
                }
            } catch (IllegalArgumentException e) {
                // fall through to the declared component type
            }
        }
        return component.asType();
    }

    private static Problem rawProblem(DeclaredType type, String example) {
        return new Problem(type.toString(), null, "declare its type arguments, e.g. " + example);
    }

    /** Generated code in the service's package must be able to name the type. */
    private static Problem privateProblem(TypeElement element, DeclaredType type) {
        for (Element e = element; e instanceof TypeElement t; e = t.getEnclosingElement()) {
            if (t.getModifiers().contains(Modifier.PRIVATE)) {
                return new Problem(
                        type.toString(),
                        t.getQualifiedName() + " is private",
                        "make " + t.getSimpleName() + " public or package-private so generated code can use it");
            }
        }
        return null;
    }

    private String fixFor(TypeElement element, String name) {
        switch (name) {
            case "java.util.Date", "java.util.Calendar", "java.util.GregorianCalendar", "java.sql.Timestamp":
                return "use java.time.Instant";
            case "java.sql.Date":
                return "use java.time.LocalDate";
            case "java.sql.Time":
                return "use java.time.LocalTime";
            case "java.lang.Object":
                return "use a concrete serializable type (a record, String, a number, ...)";
            case "java.lang.Number":
                return "use a concrete numeric type such as long or java.math.BigDecimal";
            case "java.lang.CharSequence", "java.lang.StringBuilder", "java.lang.StringBuffer":
                return "use String";
            case "java.util.OptionalInt", "java.util.OptionalLong", "java.util.OptionalDouble":
                return "use java.util.Optional of the boxed type";
            default:
                break;
        }
        if (isSubtypeOf(element, "java.util.Map")) {
            return "declare it as java.util.Map";
        }
        if (isSubtypeOf(element, "java.util.Collection") || isSubtypeOf(element, "java.lang.Iterable")) {
            return "declare it as java.util.List, java.util.Set or java.util.Collection";
        }
        return RECORD_FIX;
    }

    private boolean isSubtypeOf(TypeElement element, String supertype) {
        TypeElement target = elements.getTypeElement(supertype);
        return target != null && types.isSubtype(types.erasure(element.asType()), types.erasure(target.asType()));
    }

    static String qualifiedName(TypeMirror type) {
        return ((TypeElement) ((DeclaredType) type).asElement())
                .getQualifiedName()
                .toString();
    }
}
