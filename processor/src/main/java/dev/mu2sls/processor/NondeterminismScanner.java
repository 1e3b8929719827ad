package dev.mu2sls.processor;

import com.sun.source.tree.ClassTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MemberReferenceTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.source.util.Trees;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Walks a service's source (constructors, initializers, field initializers, lambdas, nested and
 * anonymous classes) and reports calls whose result differs when a request is re-executed.
 * Calls are matched by the element javac resolves them to, never by their text; code inside an
 * element annotated {@code @AllowNondeterminism} is skipped. Also reports any use of
 * {@code dev.mu2sls.spi}, the runtime's interface to generated code: service code that touches it
 * (rebinding the execution context, say) could break the journal's guarantees.
 */
final class NondeterminismScanner {

    /** What a flagged call does wrong, and what to use instead. */
    enum Category {
        UUID("which returns a different value when the request is re-executed", "use Deterministic.uuid()"),
        TIME(
                "which returns a different value when the request is re-executed",
                "use Deterministic.now() / Deterministic.currentTimeMillis()"),
        RANDOM("which returns a different value when the request is re-executed", "use Deterministic.random()"),
        CONCURRENCY(
                "which runs work outside the request's journal, so a re-execution repeats or loses it",
                "use the generated client's async() and DurableFuture"),
        IO(
                "which does I/O outside the request's journal, so a re-execution repeats it and may see another result",
                "wrap it in Effects.run(\"name\", Result.class, () -> ...), which journals its result and never runs "
                        + "it again (pass Effects.idempotencyKey() to APIs that deduplicate)"),
        SLEEP(
                "which blocks the handler and is not durable: a re-execution sleeps again",
                "durable sleep (a timer that survives crashes and holds no thread) is coming with issue 15; to wait "
                        + "between attempts at an external system, give Effects.run a RetryPolicy with a backoff");

        final String effect;
        final String fix;

        Category(String effect, String fix) {
            this.effect = effect;
            this.fix = fix;
        }
    }

    /** Static methods, keyed {@code owner#method}. */
    private static final Map<String, Category> METHODS = Map.ofEntries(
            Map.entry("java.util.UUID#randomUUID", Category.UUID),
            Map.entry("java.lang.System#currentTimeMillis", Category.TIME),
            Map.entry("java.lang.System#nanoTime", Category.TIME),
            Map.entry("java.time.Clock#systemUTC", Category.TIME),
            Map.entry("java.time.Clock#systemDefaultZone", Category.TIME),
            Map.entry("java.time.InstantSource#system", Category.TIME),
            Map.entry("java.lang.Math#random", Category.RANDOM),
            Map.entry("java.lang.StrictMath#random", Category.RANDOM),
            Map.entry("java.util.concurrent.ThreadLocalRandom#current", Category.RANDOM),
            Map.entry("java.security.SecureRandom#getInstance", Category.RANDOM),
            Map.entry("java.security.SecureRandom#getInstanceStrong", Category.RANDOM),
            Map.entry("java.util.random.RandomGenerator#getDefault", Category.RANDOM),
            Map.entry("java.util.random.RandomGenerator#of", Category.RANDOM),
            Map.entry("java.lang.Thread#ofVirtual", Category.CONCURRENCY),
            Map.entry("java.lang.Thread#ofPlatform", Category.CONCURRENCY),
            Map.entry("java.lang.Thread#startVirtualThread", Category.CONCURRENCY),
            Map.entry("java.util.concurrent.CompletableFuture#supplyAsync", Category.CONCURRENCY),
            Map.entry("java.util.concurrent.CompletableFuture#runAsync", Category.CONCURRENCY),
            Map.entry("java.util.concurrent.ForkJoinPool#commonPool", Category.CONCURRENCY),
            Map.entry("java.lang.Thread#sleep", Category.SLEEP),
            Map.entry("java.util.concurrent.TimeUnit#sleep", Category.SLEEP));

    /**
     * Packages whose every method and constructor does I/O, but for the pure value types in
     * {@link #PURE_IO_TYPES}: networking, HTTP, JDBC and files.
     */
    private static final Set<String> IO_PACKAGES =
            Set.of("java.net", "java.net.http", "java.sql", "javax.sql", "java.nio.file");

    /** Types of {@link #IO_PACKAGES} that only compute (building a URI or a path reads nothing). */
    private static final Set<String> PURE_IO_TYPES = Set.of(
            "java.net.URI", "java.net.URLEncoder", "java.net.URLDecoder", "java.nio.file.Path", "java.nio.file.Paths");

    /** {@code Effects.run}: code in its arguments (the body) may do anything, its result is journaled. */
    private static final String EFFECTS = "dev.mu2sls.Effects";

    /** Every static method of these classes. */
    private static final Map<String, Category> ALL_METHODS_OF =
            Map.of("java.util.concurrent.Executors", Category.CONCURRENCY);

    /** {@code now()} of these classes, unless given an explicit {@code Clock}. */
    private static final Set<String> NOW_TYPES = Set.of(
            "java.time.Instant",
            "java.time.LocalDate",
            "java.time.LocalTime",
            "java.time.LocalDateTime",
            "java.time.ZonedDateTime",
            "java.time.OffsetDateTime",
            "java.time.OffsetTime",
            "java.time.Year",
            "java.time.YearMonth",
            "java.time.MonthDay");

    /** Constructors of these classes and their subclasses. */
    private record ConstructorRule(String type, Category category, boolean onlyWithoutArguments) {}

    private static final List<ConstructorRule> CONSTRUCTORS = List.of(
            new ConstructorRule("java.util.Random", Category.RANDOM, false),
            new ConstructorRule("java.util.SplittableRandom", Category.RANDOM, true),
            new ConstructorRule("java.lang.Thread", Category.CONCURRENCY, false),
            new ConstructorRule("java.util.concurrent.ThreadPoolExecutor", Category.CONCURRENCY, false),
            new ConstructorRule("java.util.concurrent.ForkJoinPool", Category.CONCURRENCY, false),
            new ConstructorRule("java.util.Timer", Category.CONCURRENCY, false));

    private static final String SPI_PACKAGE = "dev.mu2sls.spi";

    private final Trees trees;
    private final Elements elements;
    private final Types types;

    NondeterminismScanner(Trees trees, Elements elements, Types types) {
        this.trees = trees;
        this.elements = elements;
        this.types = types;
    }

    /** Reports every nondeterministic call in {@code service}'s source. */
    void scan(TypeElement service, Diagnostics diagnostics) {
        if (Names.allowsNondeterminism(service)) {
            return;
        }
        TreePath path = trees.getPath(service);
        if (path == null) {
            return; // no source, e.g. a class file
        }
        new Visitor(diagnostics, service).scan(path, null);
    }

    private final class Visitor extends TreePathScanner<Void, Void> {
        private final Diagnostics diagnostics;
        /** How many {@code Effects.run} calls the code being scanned is an argument of. */
        private int effectBodies;
        /** Owners already reported for I/O: one error each, not one per call of a client's chain. */
        private final Set<Element> ioReported = new HashSet<>();
        /** The element a finding is reported on: the enclosing method, constructor, field or class. */
        private Element owner;
        /** SPI types already reported, with their owner: one error per type and owner. */
        private final Set<String> spiReported = new HashSet<>();

        Visitor(Diagnostics diagnostics, TypeElement service) {
            this.diagnostics = diagnostics;
            this.owner = service;
        }

        @Override
        public Void visitClass(ClassTree node, Void unused) {
            Element element = trees.getElement(getCurrentPath());
            if (element != null && Names.allowsNondeterminism(element)) {
                return null;
            }
            return withOwner(Names.isNamedType(element) ? element : owner, () -> super.visitClass(node, unused));
        }

        @Override
        public Void visitMethod(MethodTree node, Void unused) {
            Element element = trees.getElement(getCurrentPath());
            if (element != null && Names.allowsNondeterminism(element)) {
                return null;
            }
            boolean member = element != null && Names.isNamedType(element.getEnclosingElement());
            return withOwner(member ? element : owner, () -> super.visitMethod(node, unused));
        }

        @Override
        public Void visitVariable(VariableTree node, Void unused) {
            if (!(getCurrentPath().getParentPath().getLeaf() instanceof ClassTree)) {
                return super.visitVariable(node, unused); // a local variable or parameter
            }
            Element element = trees.getElement(getCurrentPath());
            if (element != null && Names.allowsNondeterminism(element)) {
                return null;
            }
            boolean member = element instanceof VariableElement && Names.isNamedType(element.getEnclosingElement());
            return withOwner(member ? element : owner, () -> super.visitVariable(node, unused));
        }

        @Override
        public Void visitMethodInvocation(MethodInvocationTree node, Void unused) {
            if (trees.getElement(getCurrentPath()) instanceof ExecutableElement method) {
                Category category = categoryOf(method);
                if (category != null) {
                    report(
                            category,
                            qualified(method) + "(" + (node.getArguments().isEmpty() ? "" : "...") + ")");
                }
                if (isEffectsRun(method)) {
                    scan(node.getMethodSelect(), unused);
                    effectBodies++;
                    try {
                        scan(node.getArguments(), unused);
                    } finally {
                        effectBodies--;
                    }
                    return null;
                }
            }
            return super.visitMethodInvocation(node, unused);
        }

        @Override
        public Void visitNewClass(NewClassTree node, Void unused) {
            if (trees.getElement(getCurrentPath()) instanceof ExecutableElement constructor) {
                TypeElement created = createdType(constructor);
                if (created != null) {
                    Category category =
                            constructorCategory(created, node.getArguments().isEmpty());
                    if (category != null) {
                        report(
                                category,
                                "new " + created.getQualifiedName() + "("
                                        + (node.getArguments().isEmpty() ? "" : "...") + ")");
                    }
                }
            }
            return super.visitNewClass(node, unused);
        }

        @Override
        public Void visitMemberReference(MemberReferenceTree node, Void unused) {
            if (trees.getElement(getCurrentPath()) instanceof ExecutableElement method) {
                Category category;
                String shown;
                if (method.getKind() == ElementKind.CONSTRUCTOR) {
                    TypeElement created = (TypeElement) method.getEnclosingElement();
                    category =
                            constructorCategory(created, method.getParameters().isEmpty());
                    shown = created.getQualifiedName() + "::new";
                } else {
                    category = categoryOf(method);
                    shown = ((TypeElement) method.getEnclosingElement()).getQualifiedName() + "::"
                            + method.getSimpleName();
                }
                if (category != null) {
                    report(category, shown);
                }
            }
            return super.visitMemberReference(node, unused);
        }

        @Override
        public Void visitIdentifier(IdentifierTree node, Void unused) {
            checkSpiUse();
            return super.visitIdentifier(node, unused);
        }

        @Override
        public Void visitMemberSelect(MemberSelectTree node, Void unused) {
            checkSpiUse();
            return super.visitMemberSelect(node, unused);
        }

        /** A name resolving to a type of {@code dev.mu2sls.spi}, or to one of its members. */
        private void checkSpiUse() {
            Element element = trees.getElement(getCurrentPath());
            TypeElement type = element instanceof TypeElement t
                    ? t
                    : element != null && element.getEnclosingElement() instanceof TypeElement t ? t : null;
            if (type == null || !elements.getPackageOf(type).getQualifiedName().contentEquals(SPI_PACKAGE)) {
                return;
            }
            if (spiReported.add(owner + " " + type.getQualifiedName())) {
                diagnostics.error(
                        owner,
                        Names.describe(owner) + " uses " + type.getQualifiedName() + ", part of " + SPI_PACKAGE
                                + ", the runtime's interface to generated code, which service code must not touch; use the "
                                + "dev.mu2sls API instead (State, the generated clients, Deterministic, Transaction)");
            }
        }

        private void report(Category category, String call) {
            if (effectBodies > 0) {
                return; // inside an effect's body: run until its result is journaled, then replayed
            }
            if (category == Category.IO && !ioReported.add(owner)) {
                return;
            }
            diagnostics.error(
                    owner, Names.describe(owner) + " calls " + call + ", " + category.effect + "; " + category.fix);
        }

        private Void withOwner(Element newOwner, Supplier<Void> body) {
            Element saved = owner;
            owner = newOwner;
            try {
                return body.get();
            } finally {
                owner = saved;
            }
        }
    }

    private static boolean isEffectsRun(ExecutableElement method) {
        return method.getEnclosingElement() instanceof TypeElement owner
                && owner.getQualifiedName().contentEquals(EFFECTS)
                && method.getSimpleName().contentEquals("run");
    }

    /**
     * Whether {@code type} belongs to an I/O package and is neither one of its pure value types nor
     * an exception (reading a caught {@code URISyntaxException}'s message does no I/O).
     */
    private boolean doesIo(TypeElement type) {
        if (!IO_PACKAGES.contains(elements.getPackageOf(type).getQualifiedName().toString())
                || PURE_IO_TYPES.contains(type.getQualifiedName().toString())) {
            return false;
        }
        TypeElement throwable = elements.getTypeElement("java.lang.Throwable");
        return throwable == null || !types.isSubtype(types.erasure(type.asType()), throwable.asType());
    }

    private static String qualified(ExecutableElement method) {
        return ((TypeElement) method.getEnclosingElement()).getQualifiedName() + "." + method.getSimpleName();
    }

    private Category categoryOf(ExecutableElement method) {
        if (!(method.getEnclosingElement() instanceof TypeElement owner)) {
            return null;
        }
        String ownerName = owner.getQualifiedName().toString();
        String name = method.getSimpleName().toString();
        Category category = METHODS.get(ownerName + "#" + name);
        if (category != null) {
            return category;
        }
        if (method.getModifiers().contains(Modifier.STATIC)) {
            category = ALL_METHODS_OF.get(ownerName);
            if (category != null) {
                return category;
            }
        }
        if (name.equals("now") && NOW_TYPES.contains(ownerName) && !takesClock(method)) {
            return Category.TIME;
        }
        return doesIo(owner) ? Category.IO : null;
    }

    private static boolean takesClock(ExecutableElement method) {
        for (VariableElement parameter : method.getParameters()) {
            TypeMirror type = parameter.asType();
            if (type.getKind() == TypeKind.DECLARED
                    && SerializableTypes.qualifiedName(type).equals("java.time.Clock")) {
                return true;
            }
        }
        return false;
    }

    /** The class a constructor creates; for an anonymous class, the class it extends. */
    private static TypeElement createdType(ExecutableElement constructor) {
        if (!(constructor.getEnclosingElement() instanceof TypeElement type)) {
            return null;
        }
        if (type.getNestingKind() == NestingKind.ANONYMOUS && type.getSuperclass() instanceof DeclaredType superclass) {
            return (TypeElement) superclass.asElement();
        }
        return type;
    }

    private Category constructorCategory(TypeElement created, boolean withoutArguments) {
        if (doesIo(created)) {
            return Category.IO;
        }
        TypeMirror createdType = types.erasure(created.asType());
        for (ConstructorRule rule : CONSTRUCTORS) {
            if (rule.onlyWithoutArguments() && !withoutArguments) {
                continue;
            }
            TypeElement ruleType = elements.getTypeElement(rule.type());
            if (ruleType != null && types.isSubtype(createdType, types.erasure(ruleType.asType()))) {
                return rule.category();
            }
        }
        return null;
    }
}
