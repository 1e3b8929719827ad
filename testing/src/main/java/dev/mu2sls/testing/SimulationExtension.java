package dev.mu2sls.testing;

import dev.mu2sls.spi.ServiceDefinition;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The JUnit 5 extension behind {@link Mu2slsSimulation}: before each test it builds a
 * {@link Simulation} from the annotation (printing the seed and fault plan), injects it into
 * {@link Simulation} parameters of the test, {@code @BeforeEach} and {@code @AfterEach} methods,
 * checks it when the test method returns, and closes it after the test.
 *
 * <h2>Errors</h2>
 * A test that passes its own assertions fails with {@link AssertionError} carrying
 * {@link Simulation.Verdict#report()} when the history is not explained by the spec, an
 * invariant is violated, or the engine left bookkeeping behind; and, unless
 * {@link Mu2slsSimulation#failOnInconclusive()} is false, when the search ran out of budget. A
 * test that already failed is not checked (its own failure comes first); the seed to replay it
 * is printed.
 */
public final class SimulationExtension
        implements BeforeEachCallback, ParameterResolver, AfterTestExecutionCallback, AfterEachCallback {
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(SimulationExtension.class);
    private static final String KEY = "simulation";

    /** Registered by {@link Mu2slsSimulation}; JUnit instantiates it. */
    public SimulationExtension() {}

    @Override
    public void beforeEach(ExtensionContext context) {
        Mu2slsSimulation settings = settings(context);
        long seed = seed(settings);
        Simulation simulation = Simulation.builder(services(settings))
                .seed(seed)
                .faults(settings.faults())
                .mode(settings.mode())
                .maxConfigurations(settings.maxConfigurations())
                .build();
        System.out.println("mu2sls simulation " + context.getDisplayName() + ": seed " + seed + ", mode "
                + settings.mode() + ", " + simulation.plan());
        context.getStore(NAMESPACE).put(KEY, simulation);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Simulation.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Simulation simulation = context.getStore(NAMESPACE).get(KEY, Simulation.class);
        if (simulation == null) {
            throw new ExtensionConfigurationException(
                    "a Simulation can be injected into test methods and their @BeforeEach and "
                            + "@AfterEach methods, not into " + parameter.getDeclaringExecutable());
        }
        return simulation;
    }

    @Override
    public void afterTestExecution(ExtensionContext context) {
        Simulation simulation = context.getStore(NAMESPACE).get(KEY, Simulation.class);
        if (simulation == null) {
            return;
        }
        if (context.getExecutionException().isPresent()) {
            System.out.println("mu2sls simulation " + context.getDisplayName() + " failed; " + simulation.replay());
            return;
        }
        Simulation.Verdict verdict = simulation.check();
        if (verdict.ok()) {
            return;
        }
        if (verdict.inconclusive() && !settings(context).failOnInconclusive()) {
            System.out.println(verdict.report());
            return;
        }
        throw new AssertionError(verdict.report());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        Simulation simulation = context.getStore(NAMESPACE).remove(KEY, Simulation.class);
        if (simulation != null) {
            simulation.close();
        }
    }

    private static Mu2slsSimulation settings(ExtensionContext context) {
        Mu2slsSimulation settings = context.getTestMethod().map(m -> find(m)).orElse(null);
        for (Class<?> type = context.getRequiredTestClass();
                settings == null && type != null;
                type = type.getEnclosingClass()) {
            settings = find(type);
        }
        if (settings == null) {
            throw new ExtensionConfigurationException(
                    "SimulationExtension needs @Mu2slsSimulation on the test method or class");
        }
        return settings;
    }

    private static Mu2slsSimulation find(AnnotatedElement element) {
        return element.getAnnotation(Mu2slsSimulation.class);
    }

    private static long seed(Mu2slsSimulation settings) {
        String property = System.getProperty(Mu2slsSimulation.SEED_PROPERTY);
        if (property != null && !property.isBlank()) {
            try {
                return Long.parseLong(property.strip());
            } catch (NumberFormatException e) {
                throw new ExtensionConfigurationException(
                        "-D" + Mu2slsSimulation.SEED_PROPERTY + " must be a whole number: " + property, e);
            }
        }
        return settings.seed() != Mu2slsSimulation.RANDOM_SEED
                ? settings.seed()
                : ThreadLocalRandom.current().nextLong();
    }

    private static List<ServiceDefinition> services(Mu2slsSimulation settings) {
        List<ServiceDefinition> services = new ArrayList<>();
        if (settings.services().length == 0) {
            ServiceLoader.load(ServiceDefinition.class).forEach(services::add);
            if (services.isEmpty()) {
                throw new ExtensionConfigurationException(
                        "@Mu2slsSimulation names no services and none is registered in "
                                + "META-INF/services/dev.mu2sls.spi.ServiceDefinition; list them: services = {CounterDispatcher.class}");
            }
            return services;
        }
        for (Class<? extends ServiceDefinition> type : settings.services()) {
            try {
                services.add(type.getConstructor().newInstance());
            } catch (NoSuchMethodException | InstantiationException | IllegalAccessException e) {
                throw new ExtensionConfigurationException(
                        type.getName() + " needs a public no-argument constructor "
                                + "(generated dispatchers have one)",
                        e);
            } catch (InvocationTargetException e) {
                throw new ExtensionConfigurationException(
                        "creating " + type.getName() + " failed: " + e.getCause(), e.getCause());
            }
        }
        return services;
    }
}
