package dev.mu2sls.processor;

import com.sun.source.util.Trees;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.Filer;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.Elements;
import javax.tools.FileObject;
import javax.tools.StandardLocation;

/**
 * The mu2sls annotation processor: validates every {@code @dev.mu2sls.Service} class (class
 * shape, persistent state, serializable signatures, nondeterministic calls) and, for each valid
 * one, generates {@code <Name>Client} and {@code <Name>Dispatcher} in the service's package plus
 * one {@code META-INF/services/dev.mu2sls.spi.ServiceDefinition} listing all dispatchers, and
 * the jar's {@code @Application} declaration ({@link ApplicationDeclaration}).
 */
public final class ServiceProcessor extends AbstractProcessor {
    static final String SERVICES_FILE = "META-INF/services/dev.mu2sls.spi.ServiceDefinition";

    private Elements elements;
    private Filer filer;
    private Diagnostics diagnostics;
    private ServiceScanner scanner;
    private ClientGenerator clients;
    private DispatcherGenerator dispatchers;
    private ApplicationDeclaration application;
    private boolean treesUnavailable;

    /** Services whose signatures mention types not generated yet, retried next round. */
    private final Set<String> deferred = new LinkedHashSet<>();
    /** Routing name → qualified class name, over all rounds. */
    private final Map<String, String> serviceNames = new LinkedHashMap<>();
    /** Dispatcher class name → originating service class, for the services file. */
    private final Map<String, TypeElement> generated = new TreeMap<>();

    /** Creates the processor; javac finds it through {@code META-INF/services}. */
    public ServiceProcessor() {}

    @Override
    public Set<String> getSupportedAnnotationTypes() {
        return Set.of(Names.SERVICE, Names.APPLICATION);
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
        return SourceVersion.latestSupported();
    }

    @Override
    public synchronized void init(ProcessingEnvironment env) {
        super.init(env);
        elements = env.getElementUtils();
        filer = env.getFiler();
        diagnostics = new Diagnostics(env.getMessager());
        NondeterminismScanner lint = null;
        try {
            lint = new NondeterminismScanner(Trees.instance(env), elements, env.getTypeUtils());
        } catch (IllegalArgumentException | LinkageError e) {
            treesUnavailable = true; // not javac (or a wrapped environment): no source trees
        }
        scanner = new ServiceScanner(elements, env.getTypeUtils(), diagnostics, lint);
        TypeCode typeCode = new TypeCode(env.getTypeUtils());
        clients = new ClientGenerator(typeCode);
        dispatchers = new DispatcherGenerator(typeCode);
        application = new ApplicationDeclaration(elements, filer, diagnostics);
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
        List<TypeElement> candidates = new ArrayList<>();
        for (String name : deferred) {
            TypeElement type = elements.getTypeElement(name);
            if (type != null) {
                candidates.add(type);
            }
        }
        deferred.clear();
        application.collect(round);
        TypeElement serviceAnnotation = elements.getTypeElement(Names.SERVICE);
        if (serviceAnnotation != null) {
            for (Element element : round.getElementsAnnotatedWith(serviceAnnotation)) {
                if (element instanceof TypeElement type) {
                    candidates.add(type);
                }
            }
        }
        if (!candidates.isEmpty() && treesUnavailable) {
            treesUnavailable = false; // say it once
            diagnostics.note("mu2sls: the compiler offers no source trees (not javac?), so @Service classes are "
                    + "not checked for nondeterministic calls");
        }

        List<ServiceModel> models = new ArrayList<>();
        for (TypeElement type : candidates) {
            if (scanner.hasUnresolvedTypes(type)) {
                if (!round.processingOver()) {
                    deferred.add(type.getQualifiedName().toString());
                }
                continue; // in the last round javac reports the missing types itself
            }
            ServiceModel model = scanner.scan(type);
            if (model != null && registerName(model)) {
                models.add(model);
            }
        }
        if (!round.processingOver()) {
            for (ServiceModel model : models) {
                write(model);
            }
        }
        if (round.processingOver()) {
            writeServicesFile();
            application.write();
        }
        return true; // @Service and @Application belong to this processor
    }

    private boolean registerName(ServiceModel model) {
        String qualified = model.type().getQualifiedName().toString();
        String previous = serviceNames.putIfAbsent(model.serviceName(), qualified);
        if (previous != null && !previous.equals(qualified)) {
            diagnostics.error(
                    model.type(),
                    "service name '" + model.serviceName() + "' of " + qualified
                            + " is already used by " + previous + "; service names route calls and must be unique: "
                            + "give one of them another name with @Service(name = \"...\")");
            return false;
        }
        return previous == null;
    }

    private void write(ServiceModel model) {
        try {
            clients.generate(model).writeTo(filer);
            dispatchers.generate(model).writeTo(filer);
            generated.put(model.dispatcherName().reflectionName(), model.type());
        } catch (IOException e) {
            diagnostics.error(
                    model.type(),
                    "mu2sls could not write the generated client and dispatcher of "
                            + model.type().getSimpleName() + ": " + e);
        }
    }

    private void writeServicesFile() {
        if (generated.isEmpty()) {
            return;
        }
        try {
            FileObject file = filer.createResource(
                    StandardLocation.CLASS_OUTPUT,
                    "",
                    SERVICES_FILE,
                    generated.values().toArray(new Element[0]));
            try (Writer writer = new OutputStreamWriter(file.openOutputStream(), StandardCharsets.UTF_8)) {
                for (String dispatcher : generated.keySet()) {
                    writer.write(dispatcher);
                    writer.write('\n');
                }
            }
        } catch (IOException e) {
            diagnostics.error("mu2sls could not write " + SERVICES_FILE + ": " + e);
        }
        generated.clear();
    }
}
