package dev.mu2sls.processor;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import com.palantir.javapoet.WildcardTypeName;
import dev.mu2sls.processor.ServiceModel.Operation;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * Generates {@code <Name>Dispatcher}, the {@code ServiceDefinition} through which the runtime
 * creates the service and invokes its methods by index, without reflection.
 */
final class DispatcherGenerator {
    private final TypeCode typeCode;

    DispatcherGenerator(TypeCode typeCode) {
        this.typeCode = typeCode;
    }

    JavaFile generate(ServiceModel model) {
        ClassName service = model.className();
        ClassName client = model.clientName();
        TypeName methodList = ParameterizedTypeName.get(TypeCode.LIST, TypeCode.METHOD_REF);

        CodeBlock refs = model.operations().stream()
                .map(op -> CodeBlock.of("$T.$N", client, op.constant()))
                .collect(CodeBlock.joining(", "));

        TypeSpec type = TypeSpec.classBuilder(model.dispatcherName())
                .addOriginatingElement(model.type())
                .addAnnotation(TypeCode.GENERATED)
                .addJavadoc(
                        "Runtime definition of the {@code $L} service ({@link $T}), registered in\n"
                                + "{@code META-INF/services/dev.mu2sls.spi.ServiceDefinition}.\n",
                        model.serviceName(),
                        service)
                .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
                .addSuperinterface(TypeCode.SERVICE_DEFINITION)
                .addField(FieldSpec.builder(methodList, "METHODS", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                        .initializer("$T.of($L)", TypeCode.LIST, refs)
                        .build())
                .addMethod(MethodSpec.constructorBuilder()
                        .addModifiers(Modifier.PUBLIC)
                        .build())
                .addMethod(override("name", ClassName.get(String.class))
                        .addStatement("return $S", model.serviceName())
                        .build())
                .addMethod(override(
                                "serviceClass",
                                ParameterizedTypeName.get(
                                        ClassName.get(Class.class), WildcardTypeName.subtypeOf(Object.class)))
                        .addStatement("return $T.class", service)
                        .build())
                .addMethod(override("methods", methodList)
                        .addStatement("return METHODS")
                        .build())
                .addMethod(override("newInstance", ClassName.OBJECT)
                        .addParameter(TypeCode.STATE, "state")
                        .addStatement(model.stateConstructor() ? "return new $T(state)" : "return new $T()", service)
                        .build())
                .addMethod(invoke(model))
                .build();
        return JavaFile.builder(service.packageName(), type)
                .skipJavaLangImports(true)
                .build();
    }

    private static MethodSpec.Builder override(String name, TypeName returns) {
        return MethodSpec.methodBuilder(name)
                .addAnnotation(Override.class)
                .addModifiers(Modifier.PUBLIC)
                .returns(returns);
    }

    private MethodSpec invoke(ServiceModel model) {
        ClassName service = model.className();
        MethodSpec.Builder method = override("invoke", ClassName.OBJECT)
                .addParameter(ClassName.OBJECT, "service")
                .addParameter(TypeName.INT, "methodIndex")
                .addParameter(Object[].class, "args")
                .addException(Exception.class);
        boolean unchecked = false;
        if (!model.operations().isEmpty()) {
            method.addStatement("$T target = ($T) service", service, service);
        }
        method.beginControlFlow("switch (methodIndex)");
        for (Operation operation : model.operations()) {
            List<CodeBlock> arguments = new ArrayList<>();
            for (int i = 0; i < operation.parameters().size(); i++) {
                var parameterType = operation.parameters().get(i).type();
                unchecked |= TypeCode.isGeneric(parameterType);
                arguments.add(CodeBlock.of("($T) args[$L]", typeCode.boxed(parameterType), i));
            }
            CodeBlock call = CodeBlock.of("target.$N($L)", operation.name(), CodeBlock.join(arguments, ", "));
            method.addCode("case $L:\n", operation.index()).addCode("$>");
            if (operation.isVoid()) {
                method.addStatement("$L", call).addStatement("return null");
            } else {
                method.addStatement("return $L", call);
            }
            method.addCode("$<");
        }
        method.addCode("default:\n$>")
                .addStatement(
                        "throw new $T($S + methodIndex)",
                        IllegalArgumentException.class,
                        model.serviceName() + " has no method number ")
                .addCode("$<")
                .endControlFlow();
        if (unchecked) {
            method.addAnnotation(TypeCode.UNCHECKED);
        }
        return method.build();
    }
}
