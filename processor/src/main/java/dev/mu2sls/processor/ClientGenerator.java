package dev.mu2sls.processor;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeSpec;
import dev.mu2sls.processor.ServiceModel.Operation;
import dev.mu2sls.processor.ServiceModel.Parameter;
import javax.lang.model.element.Modifier;

/**
 * Generates {@code <Name>Client}: one {@code MethodRef} constant per operation, synchronous
 * methods that call through the current execution context, and an {@code Async} view whose
 * methods return {@code DurableFuture}s.
 */
final class ClientGenerator {
    private final TypeCode typeCode;

    ClientGenerator(TypeCode typeCode) {
        this.typeCode = typeCode;
    }

    JavaFile generate(ServiceModel model) {
        ClassName client = model.clientName();
        ClassName async = client.nestedClass("Async");
        ClassName send = client.nestedClass("Send");
        String service = model.serviceName();

        TypeSpec.Builder asyncType = TypeSpec.classBuilder(async)
                .addJavadoc("Asynchronous calls to {@code $L}: each starts the call and returns at once.\n", service)
                .addModifiers(Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
                .addMethod(MethodSpec.constructorBuilder()
                        .addModifiers(Modifier.PRIVATE)
                        .build());
        TypeSpec.Builder sendType = TypeSpec.classBuilder(send)
                .addJavadoc(
                        "One-way sends to {@code $L}: each returns once the call is recorded durably with the caller's\n"
                                + "step (inside a transaction, delivered only if it commits), and is delivered exactly once.\n",
                        service)
                .addModifiers(Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
                .addField(TypeCode.DURATION, "delay", Modifier.PRIVATE, Modifier.FINAL)
                .addMethod(MethodSpec.constructorBuilder()
                        .addModifiers(Modifier.PRIVATE)
                        .addParameter(TypeCode.DURATION, "delay")
                        .addStatement("this.delay = delay")
                        .build());

        TypeSpec.Builder type = TypeSpec.classBuilder(client)
                .addOriginatingElement(model.type())
                .addAnnotation(TypeCode.GENERATED)
                .addJavadoc(
                        "Typed client of the {@code $L} service ({@link $T}): synchronous calls, and\n"
                                + "asynchronous calls through {@link #async()}, inside a service execution. Outside one (a test,\n"
                                + "a tool), construct it with a client context, e.g. {@code ClientContext.of(engine)} or\n"
                                + "{@code GatewayClient.of(uri)}: then each synchronous call is one client request.\n",
                        service,
                        model.className())
                .addModifiers(Modifier.PUBLIC, Modifier.FINAL);

        for (Operation operation : model.operations()) {
            type.addField(methodRef(model, operation));
        }
        type.addField(FieldSpec.builder(async, "async", Modifier.PRIVATE, Modifier.FINAL)
                .initializer("new $T()", async)
                .build());
        type.addField(FieldSpec.builder(TypeCode.EXECUTION_CONTEXT, "outside", Modifier.PRIVATE, Modifier.FINAL)
                .build());
        type.addMethod(MethodSpec.constructorBuilder()
                .addModifiers(Modifier.PUBLIC)
                .addJavadoc("A client for service code: calls go through the current execution.\n")
                .addStatement("this.outside = null")
                .build());
        type.addMethod(MethodSpec.constructorBuilder()
                .addModifiers(Modifier.PUBLIC)
                .addJavadoc("A client for callers outside any service, sending each call through {@code context}.\n")
                .addParameter(TypeCode.EXECUTION_CONTEXT, "context")
                .addStatement(
                        "this.outside = $T.requireNonNull(context, $S)",
                        ClassName.get("java.util", "Objects"),
                        "context")
                .build());
        type.addMethod(MethodSpec.methodBuilder("context")
                .addModifiers(Modifier.PRIVATE)
                .returns(TypeCode.EXECUTION_CONTEXT)
                .addStatement("return outside != null ? outside : $T.current()", TypeCode.CONTEXTS)
                .build());

        for (Operation operation : model.operations()) {
            type.addMethod(syncMethod(model, client, operation));
            asyncType.addMethod(asyncMethod(model, client, operation));
            sendType.addMethod(sendMethod(model, client, operation));
        }
        type.addMethod(MethodSpec.methodBuilder("async")
                .addJavadoc("The asynchronous view of this client.\n")
                .addModifiers(Modifier.PUBLIC)
                .returns(async)
                .addStatement("return async")
                .build());
        type.addType(asyncType.build());
        type.addMethod(MethodSpec.methodBuilder("send")
                .addJavadoc(
                        "One-way sends, delivered as soon as recorded; they are not awaited by this request's completion.\n")
                .addModifiers(Modifier.PUBLIC)
                .returns(send)
                .addStatement("return new $T($T.ZERO)", send, TypeCode.DURATION)
                .build());
        type.addMethod(MethodSpec.methodBuilder("send")
                .addJavadoc("One-way sends delivered {@code delay} after they are recorded (a durable timer).\n")
                .addModifiers(Modifier.PUBLIC)
                .addParameter(TypeCode.DURATION, "delay")
                .returns(send)
                .beginControlFlow("if ($N.isNegative())", "delay")
                .addStatement(
                        "throw new $T($S + delay)", IllegalArgumentException.class, "send delay must not be negative: ")
                .endControlFlow()
                .addStatement("return new $T(delay)", send)
                .build());
        type.addType(sendType.build());

        return JavaFile.builder(client.packageName(), type.build())
                .skipJavaLangImports(true)
                .build();
    }

    private static FieldSpec methodRef(ServiceModel model, Operation operation) {
        CodeBlock names = operation.parameters().stream()
                .map(p -> CodeBlock.of("$S", p.name()))
                .collect(CodeBlock.joining(", "));
        CodeBlock tokens = operation.parameters().stream()
                .map(p -> TypeCode.token(p.type()))
                .collect(CodeBlock.joining(", "));
        CodeBlock common = CodeBlock.of(
                "$S, $S, $L, $T.of($L), $T.<$T>of($L), $L",
                model.serviceName(),
                operation.name(),
                operation.index(),
                TypeCode.LIST,
                names,
                TypeCode.LIST,
                TypeCode.TYPE,
                tokens,
                TypeCode.token(operation.returnType()));
        if (operation.internal() || operation.parameters().stream().anyMatch(Parameter::nullable)) {
            CodeBlock nullable = operation.parameters().stream()
                    .map(p -> CodeBlock.of("$L", p.nullable()))
                    .collect(CodeBlock.joining(", "));
            common = CodeBlock.of(
                    "$L, $L, $T.<$T>of($L)",
                    common,
                    operation.internal(),
                    TypeCode.LIST,
                    ClassName.get(Boolean.class),
                    nullable);
        }
        // the common case, a public method whose parameters refuse null, in the short form
        return FieldSpec.builder(TypeCode.METHOD_REF, operation.constant(), Modifier.STATIC, Modifier.FINAL)
                .initializer("new $T($L)", TypeCode.METHOD_REF, common)
                .build();
    }

    private MethodSpec syncMethod(ServiceModel model, ClassName client, Operation operation) {
        MethodSpec.Builder method = signature(operation)
                .addJavadoc("Calls {@code $L.$L} synchronously.\n", model.serviceName(), operation.name());
        CodeBlock call = CodeBlock.of("context().call($L, $L)", ref(client, operation), arguments(operation));
        if (operation.isVoid()) {
            method.addStatement("$L", call);
        } else {
            if (TypeCode.isGeneric(operation.returnType())) {
                method.addAnnotation(TypeCode.UNCHECKED);
            }
            method.returns(TypeCode.name(operation.returnType()))
                    .addStatement("return ($T) $L", typeCode.boxed(operation.returnType()), call);
        }
        return method.build();
    }

    private MethodSpec asyncMethod(ServiceModel model, ClassName client, Operation operation) {
        return signature(operation)
                .addJavadoc(
                        "Starts {@code $L.$L}; {@link $T#await()} takes its result.\n",
                        model.serviceName(),
                        operation.name(),
                        TypeCode.DURABLE_FUTURE)
                .returns(ParameterizedTypeName.get(TypeCode.DURABLE_FUTURE, typeCode.boxed(operation.returnType())))
                .addStatement(
                        "return new $T<>($T.current().callAsync($L, $L))",
                        TypeCode.DURABLE_FUTURE,
                        TypeCode.CONTEXTS,
                        ref(client, operation),
                        arguments(operation))
                .build();
    }

    private static MethodSpec sendMethod(ServiceModel model, ClassName client, Operation operation) {
        return signature(operation)
                .addJavadoc(
                        "Sends {@code $L.$L} one-way; its result is recorded by the callee, never returned.\n",
                        model.serviceName(),
                        operation.name())
                .addStatement(
                        "$T.current().send($L, $L, this.delay)",
                        TypeCode.CONTEXTS,
                        ref(client, operation),
                        arguments(operation))
                .build();
    }

    private static MethodSpec.Builder signature(Operation operation) {
        MethodSpec.Builder method = MethodSpec.methodBuilder(operation.name()).addModifiers(Modifier.PUBLIC);
        for (Parameter parameter : operation.parameters()) {
            method.addParameter(TypeCode.name(parameter.type()), parameter.name());
        }
        return method.varargs(operation.varargs());
    }

    /** The constant, qualified only when a parameter of the same name would shadow it. */
    private static CodeBlock ref(ClassName client, Operation operation) {
        boolean shadowed =
                operation.parameters().stream().anyMatch(p -> p.name().equals(operation.constant()));
        return shadowed
                ? CodeBlock.of("$T.$N", client, operation.constant())
                : CodeBlock.of("$N", operation.constant());
    }

    private static CodeBlock arguments(Operation operation) {
        CodeBlock values = operation.parameters().stream()
                .map(p -> CodeBlock.of("$N", p.name()))
                .collect(CodeBlock.joining(", "));
        return CodeBlock.of("new Object[] {$L}", values);
    }
}
