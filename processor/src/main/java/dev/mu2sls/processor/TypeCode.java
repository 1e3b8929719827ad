package dev.mu2sls.processor;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.TypeName;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.PrimitiveType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Types;

/** How generated code spells types: names, boxed casts and runtime {@code Type} tokens. */
final class TypeCode {
    static final ClassName LIST = ClassName.get("java.util", "List");
    static final ClassName TYPE = ClassName.get("java.lang.reflect", "Type");
    static final ClassName METHOD_REF = ClassName.get("dev.mu2sls.spi", "MethodRef");
    static final ClassName CONTEXTS = ClassName.get("dev.mu2sls.spi", "Contexts");
    static final ClassName EXECUTION_CONTEXT = ClassName.get("dev.mu2sls.spi", "ExecutionContext");
    static final ClassName SERVICE_DEFINITION = ClassName.get("dev.mu2sls.spi", "ServiceDefinition");
    static final ClassName STATE = ClassName.get("dev.mu2sls", "State");
    static final ClassName TYPE_REF = ClassName.get("dev.mu2sls", "TypeRef");
    static final ClassName DURABLE_FUTURE = ClassName.get("dev.mu2sls", "DurableFuture");
    static final ClassName VOID = ClassName.get("java.lang", "Void");
    static final ClassName DURATION = ClassName.get("java.time", "Duration");
    static final AnnotationSpec GENERATED = AnnotationSpec.builder(
                    ClassName.get("javax.annotation.processing", "Generated"))
            .addMember("value", "$S", ServiceProcessor.class.getName())
            .build();
    static final AnnotationSpec UNCHECKED = AnnotationSpec.builder(SuppressWarnings.class)
            .addMember("value", "$S", "unchecked")
            .build();

    private final Types types;

    TypeCode(Types types) {
        this.types = types;
    }

    /** Whether the type has type arguments anywhere, so a cast to it is unchecked. */
    static boolean isGeneric(TypeMirror type) {
        return switch (type.getKind()) {
            case ARRAY -> isGeneric(((ArrayType) type).getComponentType());
            case DECLARED -> {
                DeclaredType declared = (DeclaredType) type;
                yield !declared.getTypeArguments().isEmpty() || isGeneric(declared.getEnclosingType());
            }
            default -> false;
        };
    }

    static TypeName name(TypeMirror type) {
        return TypeName.get(type);
    }

    /** The reference type a value of {@code type} travels as in an {@code Object}: primitives boxed. */
    TypeName boxed(TypeMirror type) {
        if (type.getKind() == TypeKind.VOID) {
            return VOID;
        }
        if (type.getKind().isPrimitive()) {
            return TypeName.get(types.boxedClass((PrimitiveType) type).asType());
        }
        return TypeName.get(type);
    }

    /** A {@code java.lang.reflect.Type} expression: {@code long.class}, or {@code new TypeRef<List<String>>() {}.type()}. */
    static CodeBlock token(TypeMirror type) {
        if (isGeneric(type)) {
            return CodeBlock.of("new $T<$T>() {}.type()", TYPE_REF, TypeName.get(type));
        }
        return CodeBlock.of("$T.class", TypeName.get(type));
    }
}
