package dev.mu2sls.processor;

import java.util.ArrayDeque;
import java.util.Deque;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.TypeElement;

/** Naming helpers shared by the scanners and generators. */
final class Names {
    static final String SERVICE = "dev.mu2sls.Service";
    static final String APPLICATION = "dev.mu2sls.Application";
    static final String INTERNAL = "dev.mu2sls.Internal";
    /** The simple name of the annotations that let a parameter be null (JSpecify's, Jakarta's, JSR 305's, ...). */
    static final String NULLABLE = "Nullable";

    static final String ALLOW_NONDETERMINISM = "dev.mu2sls.AllowNondeterminism";
    static final String STATE = "dev.mu2sls.State";
    static final String PERSISTENT_MAP = "dev.mu2sls.PersistentMap";
    static final String PERSISTENT_VALUE = "dev.mu2sls.PersistentValue";

    private Names() {}

    /** {@code placeOrder} → {@code PLACE_ORDER}, {@code getURL} → {@code GET_URL}. */
    static String constantName(String methodName) {
        StringBuilder out = new StringBuilder(methodName.length() + 4);
        for (int i = 0; i < methodName.length(); i++) {
            char c = methodName.charAt(i);
            if (i > 0 && Character.isUpperCase(c)) {
                char previous = methodName.charAt(i - 1);
                boolean nextIsLower = i + 1 < methodName.length() && Character.isLowerCase(methodName.charAt(i + 1));
                if (Character.isLowerCase(previous)
                        || Character.isDigit(previous)
                        || (Character.isUpperCase(previous) && nextIsLower)) {
                    out.append('_');
                }
            }
            out.append(Character.toUpperCase(c));
        }
        return out.toString();
    }

    /** Whether a routing name is acceptable: letters, digits and underscores, not starting with a digit. */
    static boolean isValidServiceName(String name) {
        if (name.isEmpty() || !(Character.isLetter(name.charAt(0)) || name.charAt(0) == '_')) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c < 128 && (Character.isLetterOrDigit(c) || c == '_'))) {
                return false;
            }
        }
        return true;
    }

    /** The name of a class as written in source, relative to its package: {@code Outer.Inner}. */
    static String typeLabel(TypeElement type) {
        Deque<String> parts = new ArrayDeque<>();
        Element current = type;
        while (current instanceof TypeElement t) {
            parts.addFirst(t.getSimpleName().toString());
            current = t.getEnclosingElement();
        }
        return String.join(".", parts);
    }

    /** Where a piece of code lives, for messages: {@code Counter.add}, {@code Counter field 'x'}. */
    static String describe(Element element) {
        Element enclosing = element.getEnclosingElement();
        return switch (element.getKind()) {
            case METHOD -> typeLabel((TypeElement) enclosing) + "." + element.getSimpleName();
            case CONSTRUCTOR -> typeLabel((TypeElement) enclosing) + " constructor";
            case FIELD, ENUM_CONSTANT ->
                typeLabel((TypeElement) enclosing) + " field '" + element.getSimpleName() + "'";
            case CLASS, INTERFACE, ENUM, RECORD, ANNOTATION_TYPE -> typeLabel((TypeElement) element) + " initializer";
            default -> element.toString();
        };
    }

    /** Whether {@code type} and every class enclosing it has a name (no local or anonymous class). */
    static boolean isNamedType(Element element) {
        Element current = element;
        if (!(current instanceof TypeElement)) {
            return false;
        }
        while (current instanceof TypeElement t) {
            NestingKind nesting = t.getNestingKind();
            if (nesting == NestingKind.LOCAL || nesting == NestingKind.ANONYMOUS) {
                return false;
            }
            current = t.getEnclosingElement();
        }
        return current.getKind() == ElementKind.PACKAGE || current.getKind() == ElementKind.MODULE;
    }

    /** Whether {@code element} carries the annotation named {@code qualifiedName}. */
    static boolean hasAnnotation(Element element, String qualifiedName) {
        for (AnnotationMirror mirror : element.getAnnotationMirrors()) {
            Element annotation = mirror.getAnnotationType().asElement();
            if (annotation instanceof TypeElement t && t.getQualifiedName().contentEquals(qualifiedName)) {
                return true;
            }
        }
        return false;
    }

    static boolean allowsNondeterminism(Element element) {
        return hasAnnotation(element, ALLOW_NONDETERMINISM);
    }
}
