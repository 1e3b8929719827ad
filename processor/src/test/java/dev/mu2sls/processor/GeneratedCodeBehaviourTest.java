package dev.mu2sls.processor;

import static dev.mu2sls.processor.TestCompilations.assertClean;
import static dev.mu2sls.processor.TestCompilations.compile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.testing.compile.Compilation;
import dev.mu2sls.DurableFuture;
import dev.mu2sls.spi.MethodRef;
import dev.mu2sls.spi.ServiceDefinition;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loads the generated classes and runs them: dispatch by index, method descriptions, client calls. */
class GeneratedCodeBehaviourTest {

    static final String CALCULATOR = """
            package calc;

            import dev.mu2sls.Service;
            import java.util.List;
            import java.util.Optional;

            @Service
            public class Calculator {
                public enum Mode { EXACT, ROUNDED }

                public record Sum(long total, List<Long> terms) {}

                public Calculator() {}

                public long add(long a, long b) {
                    return a + b;
                }

                public Sum sum(List<Long> terms) {
                    long total = 0;
                    for (long term : terms) {
                        total += term;
                    }
                    return new Sum(total, terms);
                }

                public void ping() {}

                public String describe(Mode mode, Optional<String> label) {
                    return mode + ":" + label.orElse("-");
                }

                public int checked(int value) throws java.io.IOException {
                    if (value < 0) {
                        throw new java.io.IOException("negative " + value);
                    }
                    return value;
                }
            }
            """;

    @TempDir
    Path output;

    private CompiledClasses classes;

    @AfterEach
    void close() throws Exception {
        if (classes != null) {
            classes.close();
        }
    }

    private CompiledClasses load(String... sources) {
        Compilation compilation = compile(sources);
        assertClean(compilation);
        classes = CompiledClasses.of(compilation, output);
        return classes;
    }

    @Test
    void methods_generatedDispatcher_describesEveryOperationInDeclarationOrder() throws Exception {
        CompiledClasses loader = load(CALCULATOR);
        ServiceDefinition calculator = loader.newInstance("calc.CalculatorDispatcher", ServiceDefinition.class);

        assertThat(calculator.name()).isEqualTo("Calculator");
        assertThat(calculator.serviceClass()).isSameAs(loader.loadClass("calc.Calculator"));
        List<MethodRef> methods = calculator.methods();
        assertThat(methods).extracting(MethodRef::method).containsExactly("add", "sum", "ping", "describe", "checked");
        assertThat(methods).extracting(MethodRef::index).containsExactly(0, 1, 2, 3, 4);
        assertThat(methods).allSatisfy(m -> assertThat(m.service()).isEqualTo("Calculator"));

        MethodRef add = calculator.method("add");
        assertThat(add.parameterNames()).containsExactly("a", "b");
        assertThat(add.parameterTypes()).containsExactly(long.class, long.class);
        assertThat(add.returnType()).isEqualTo(long.class);

        MethodRef sum = calculator.method("sum");
        Type terms = sum.parameterTypes().get(0);
        assertThat(terms).isInstanceOf(ParameterizedType.class);
        assertThat(((ParameterizedType) terms).getRawType()).isEqualTo(List.class);
        assertThat(((ParameterizedType) terms).getActualTypeArguments()).containsExactly(Long.class);
        assertThat(sum.returnType()).isSameAs(loader.loadClass("calc.Calculator$Sum"));

        assertThat(calculator.method("ping").isVoid()).isTrue();
        assertThat(calculator.method("ping").returnType()).isEqualTo(void.class);
        MethodRef describe = calculator.method("describe");
        assertThat(describe.parameterTypes().get(0)).isSameAs(loader.loadClass("calc.Calculator$Mode"));
        assertThat(((ParameterizedType) describe.parameterTypes().get(1)).getRawType())
                .isEqualTo(Optional.class);
    }

    @Test
    void invoke_serviceWithoutState_callsTheMethodAndReturnsItsResult() throws Exception {
        CompiledClasses loader = load(CALCULATOR);
        ServiceDefinition calculator = loader.newInstance("calc.CalculatorDispatcher", ServiceDefinition.class);
        Object service = calculator.newInstance(null);

        assertThat(service.getClass()).isSameAs(loader.loadClass("calc.Calculator"));
        assertThat(calculator.invoke(service, 0, new Object[] {2L, 40L})).isEqualTo(42L);
        Object sum = calculator.invoke(service, 1, new Object[] {List.of(1L, 2L, 3L)});
        assertThat(sum.getClass().getMethod("total").invoke(sum)).isEqualTo(6L);
        assertThat(calculator.invoke(service, 2, new Object[] {})).isNull();
        @SuppressWarnings({"unchecked", "rawtypes"})
        Object rounded = Enum.valueOf((Class) loader.loadClass("calc.Calculator$Mode"), "ROUNDED");
        assertThat(calculator.invoke(service, 3, new Object[] {rounded, Optional.of("x")}))
                .isEqualTo("ROUNDED:x");
    }

    @Test
    void invoke_methodThrowsCheckedException_propagatesIt() throws Exception {
        ServiceDefinition calculator =
                load(CALCULATOR).newInstance("calc.CalculatorDispatcher", ServiceDefinition.class);
        Object service = calculator.newInstance(null);

        assertThat(calculator.invoke(service, 4, new Object[] {7})).isEqualTo(7);
        assertThatThrownBy(() -> calculator.invoke(service, 4, new Object[] {-1}))
                .isInstanceOf(java.io.IOException.class)
                .hasMessage("negative -1");
    }

    @Test
    void invoke_unknownMethodIndex_throwsIllegalArgumentException() throws Exception {
        ServiceDefinition calculator =
                load(CALCULATOR).newInstance("calc.CalculatorDispatcher", ServiceDefinition.class);

        assertThatThrownBy(() -> calculator.invoke(calculator.newInstance(null), 9, new Object[] {}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Calculator has no method number 9");
    }

    @Test
    void invoke_statefulService_readsAndWritesItsState() throws Exception {
        ServiceDefinition counter =
                load(ServiceGenerationTest.COUNTER).newInstance("test.CounterDispatcher", ServiceDefinition.class);
        InMemoryState state = new InMemoryState();
        Object service = counter.newInstance(state);

        assertThat(counter.invoke(service, 0, new Object[] {"a", 5L})).isEqualTo(5L);
        assertThat(counter.invoke(service, 0, new Object[] {"a", 3L})).isEqualTo(8L);
        assertThat(counter.invoke(service, 0, new Object[] {"b", 1L})).isEqualTo(1L);
        assertThat(counter.invoke(service, 2, new Object[] {})).isEqualTo(List.of("a", "b"));
        assertThat(counter.invoke(service, 1, new Object[] {"a"})).isNull();
        assertThat(state.maps.get("counts")).containsOnlyKeys("b");
    }

    @Test
    void serviceLoader_generatedServicesFile_findsTheDispatchers() {
        CompiledClasses loader = load(CALCULATOR, ServiceGenerationTest.COUNTER);

        List<String> names = ServiceLoader.load(ServiceDefinition.class, loader).stream()
                .map(provider -> provider.get().name())
                .sorted()
                .toList();

        assertThat(names).containsExactly("Calculator", "Counter");
    }

    @Test
    void client_insideExecution_callsThroughTheContextWithItsMethodRef() throws Exception {
        CompiledClasses loader = load(ServiceGenerationTest.COUNTER);
        ServiceDefinition counter = loader.newInstance("test.CounterDispatcher", ServiceDefinition.class);
        DirectContext context = new DirectContext(counter, counter.newInstance(new InMemoryState()));
        Class<?> clientClass = loader.loadClass("test.CounterClient");
        Object client = clientClass.getConstructor().newInstance();
        Method add = clientClass.getMethod("add", String.class, long.class);
        Method keys = clientClass.getMethod("keys");
        Method async = clientClass.getMethod("async");
        Method asyncAdd = async.getReturnType().getMethod("add", String.class, long.class);

        Object result = context.bound(() -> {
            long first = (Long) add.invoke(client, "k", 2L);
            DurableFuture<?> later = (DurableFuture<?>) asyncAdd.invoke(async.invoke(client), "k", 3L);
            return List.of(first, later.await(), keys.invoke(client));
        });

        assertThat(result).isEqualTo(List.of(2L, 5L, List.of("k")));
        assertThat(context.calls)
                .containsExactly(
                        "call Counter.add #0 [k, 2]", "callAsync Counter.add #0 [k, 3]", "call Counter.keys #2 []");
        assertThat(add.getReturnType()).isEqualTo(long.class);
        assertThat(asyncAdd.getGenericReturnType().getTypeName()).isEqualTo("dev.mu2sls.DurableFuture<java.lang.Long>");
    }

    @Test
    void client_sendViews_recordOneWaySendsWithTheirDelay() throws Exception {
        CompiledClasses loader = load(ServiceGenerationTest.COUNTER);
        ServiceDefinition counter = loader.newInstance("test.CounterDispatcher", ServiceDefinition.class);
        DirectContext context = new DirectContext(counter, counter.newInstance(new InMemoryState()));
        Class<?> clientClass = loader.loadClass("test.CounterClient");
        Object client = clientClass.getConstructor().newInstance();
        Method send = clientClass.getMethod("send");
        Method sendLater = clientClass.getMethod("send", java.time.Duration.class);
        Method sendAdd = send.getReturnType().getMethod("add", String.class, long.class);

        context.bound(() -> {
            sendAdd.invoke(send.invoke(client), "k", 2L);
            sendAdd.invoke(sendLater.invoke(client, java.time.Duration.ofMinutes(30)), "k", 3L);
            return null;
        });

        assertThat(context.calls)
                .containsExactly("send Counter.add #0 [k, 2] after PT0S", "send Counter.add #0 [k, 3] after PT30M");
        assertThat(sendAdd.getReturnType()).as("a send returns nothing").isEqualTo(void.class);
        assertThatThrownBy(() -> sendLater.invoke(client, java.time.Duration.ofSeconds(-1)))
                .cause()
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must not be negative");
    }

    @Test
    void client_outsideExecution_failsWithTheApisExplanation() throws Exception {
        CompiledClasses loader = load(ServiceGenerationTest.COUNTER);
        Object client = loader.newInstance("test.CounterClient", Object.class);
        Method reset = client.getClass().getMethod("reset", String.class);

        assertThatThrownBy(() -> reset.invoke(client, "k"))
                .cause()
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no service execution");
    }
}
