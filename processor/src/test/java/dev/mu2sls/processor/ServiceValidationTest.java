package dev.mu2sls.processor;

import static dev.mu2sls.processor.TestCompilations.assertClean;
import static dev.mu2sls.processor.TestCompilations.assertError;
import static dev.mu2sls.processor.TestCompilations.assertSingleError;
import static dev.mu2sls.processor.TestCompilations.compile;
import static dev.mu2sls.processor.TestCompilations.describe;
import static dev.mu2sls.processor.TestCompilations.warnings;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.CompilationSubject;
import org.junit.jupiter.api.Test;

/** Each rule of the @Service contract: the failure, the element it names, and the fix it suggests. */
class ServiceValidationTest {

    /** A service {@code Hotel} in package {@code test} with {@code body} as its members. */
    private static String hotel(String body) {
        return """
                package test;

                import dev.mu2sls.*;
                import java.time.Instant;
                import java.util.*;

                @Service
                public class Hotel {
                    public record Room(String number, int beds) {}

                    public Hotel(State state) {}

                %s
                }
                """.formatted(body.indent(4));
    }

    // ---- persistent state ----

    @Test
    void persistentMap_unsupportedValueType_failsNamingFieldAndFix() {
        Compilation compilation = compile(hotel("private PersistentMap<String, Thread> rooms;"));

        assertSingleError(
                compilation,
                "Hotel field 'rooms' has value type java.lang.Thread, which cannot be "
                        + "serialized; use a record of serializable values");
        CompilationSubject.assertThat(compilation)
                .hadErrorContaining("field 'rooms'")
                .inFile(TestCompilations.source(hotel("private PersistentMap<String, Thread> rooms;")))
                .onLineContaining("PersistentMap<String, Thread> rooms");
    }

    @Test
    void persistentMap_unsupportedKeyType_failsNamingFieldAndSupportedKeys() {
        Compilation compilation = compile(hotel("private final PersistentMap<java.util.Date, Room> rooms = null;"));

        assertSingleError(
                compilation,
                "Hotel field 'rooms': key type java.util.Date is not supported; "
                        + "use String, Long, Integer or UUID");
    }

    @Test
    void persistentMap_rawType_fails() {
        Compilation compilation = compile(hotel("@SuppressWarnings(\"rawtypes\") private PersistentMap rooms;"));

        assertSingleError(
                compilation, "Hotel field 'rooms' uses the raw type PersistentMap", "declare its key and value types");
    }

    @Test
    void persistentValue_nestedUnserializableValue_failsNamingTheInnerType() {
        Compilation compilation = compile(hotel("private PersistentValue<List<java.util.Date>> opened;"));

        assertSingleError(
                compilation,
                "Hotel field 'opened' has value type java.util.List<java.util.Date>, which "
                        + "cannot be serialized: java.util.Date is not serializable; use java.time.Instant");
    }

    @Test
    void persistentValue_recordWithUnserializableComponent_failsNamingTheComponent() {
        Compilation compilation = compile(hotel("""
                public record Booking(String guest, java.util.Date when) {}
                private PersistentValue<Booking> last;"""));

        assertSingleError(
                compilation,
                "Hotel field 'last' has value type test.Hotel.Booking, which cannot be "
                        + "serialized: record test.Hotel.Booking component 'when' has type java.util.Date; "
                        + "use java.time.Instant");
    }

    @Test
    void persistentState_supportedKeysAndRecursiveRecords_compileCleanly() {
        Compilation compilation = compile(hotel("""
                public enum Color { RED, GREEN }
                public record Node(String name, List<Node> children, Map<Color, Node> byColor) {}
                private final PersistentMap<Long, Node> byId = null;
                private final PersistentMap<Integer, byte[]> blobs = null;
                private final PersistentMap<UUID, Map<String, Set<Instant>>> seen = null;
                private final PersistentValue<Optional<java.math.BigInteger>> big = null;"""));

        assertClean(compilation);
    }

    // ---- other fields ----

    @Test
    void field_nonFinalInstanceField_warnsThatItIsTransient() {
        Compilation compilation = compile(hotel("""
                private int requestsSeen;
                public int seen() {
                    return ++requestsSeen;
                }"""));

        assertThat(compilation.status()).as(describe(compilation)).isEqualTo(Compilation.Status.SUCCESS);
        assertThat(TestCompilations.errors(compilation)).isEmpty();
        assertThat(warnings(compilation))
                .singleElement()
                .asString()
                .contains(
                        "Hotel field 'requestsSeen' is not final, so it is transient: it is not persisted and may vanish",
                        "keep durable state in State (PersistentMap/PersistentValue)");
        assertThat(compilation.generatedSourceFile("test.HotelDispatcher")).isPresent();
    }

    @Test
    void field_finalFieldsAndClients_areAccepted() {
        Compilation compilation = compile(hotel("""
                private static final int LIMIT = 3;
                private final List<String> names = List.of("a");
                private PaymentClient payments;
                public static final class PaymentClient {}"""));

        assertClean(compilation);
    }

    @Test
    void field_nonFinalStaticField_failsAsNondeterministic() {
        Compilation compilation = compile(hotel("private static int instances;"));

        assertSingleError(
                compilation,
                "Hotel field 'instances' is static and not final",
                "nondeterministic",
                "keep durable state in State",
                "@AllowNondeterminism");
    }

    @Test
    void field_nonFinalStaticFieldAllowed_compiles() {
        Compilation compilation =
                compile(hotel("@AllowNondeterminism(\"metrics only\") private static int instances;"));

        assertClean(compilation);
    }

    // ---- operations ----

    @Test
    void parameter_javaUtilDate_failsSuggestingInstant() {
        Compilation compilation = compile(hotel("public void reserve(String room, java.util.Date when) {}"));

        assertSingleError(
                compilation,
                "Hotel.reserve parameter 'when' has type java.util.Date, which cannot be "
                        + "serialized; use java.time.Instant");
    }

    @Test
    void returnType_plainClass_failsSuggestingRecord() {
        Compilation compilation = compile(hotel("""
                public static class Guest {
                    public String name;
                }
                public Guest find(String name) {
                    return new Guest();
                }"""));

        assertSingleError(
                compilation,
                "Hotel.find returns test.Hotel.Guest, which cannot be serialized; "
                        + "use a record of serializable values");
    }

    @Test
    void signature_unsupportedTypes_eachFailsWithItsFix() {
        Compilation compilation = compile(hotel("""
                public Object any() { return null; }
                public void wild(List<? extends Room> rooms) {}
                public void keyed(Map<Room, String> byRoom) {}
                public void concrete(ArrayList<String> names) {}
                @SuppressWarnings("rawtypes") public void raw(List names) {}
                public <T> T generic(T value) { return value; }"""));

        assertError(compilation, "Hotel.any returns java.lang.Object", "use a concrete serializable type");
        assertError(
                compilation,
                "Hotel.wild parameter 'rooms' has type java.util.List<? extends test.Hotel.Room>",
                "use a concrete type argument instead of a wildcard");
        assertError(
                compilation,
                "Hotel.keyed parameter 'byRoom'",
                "map key type test.Hotel.Room is not supported",
                "use String, a boxed number");
        assertError(
                compilation,
                "Hotel.concrete parameter 'names' has type java.util.ArrayList<java.lang.String>",
                "declare it as java.util.List, java.util.Set or java.util.Collection");
        assertError(compilation, "Hotel.raw parameter 'names' has type java.util.List", "declare its type arguments");
        assertError(compilation, "Hotel.generic declares type parameters <T>", "cannot be generic");
        assertThat(TestCompilations.errors(compilation)).hasSize(6);
    }

    @Test
    void methods_overloaded_failsNamingBoth() {
        Compilation compilation = compile(hotel("""
                public void reserve(String room) {}
                public void reserve(String room, int nights) {}"""));

        assertSingleError(
                compilation,
                "Hotel has two public methods named 'reserve'",
                "reserve(java.lang.String) and reserve(java.lang.String,int)",
                "calls are routed by name");
    }

    @Test
    void methods_namedAsync_failsBecauseTheClientReservesIt() {
        Compilation compilation = compile(hotel("public void async() {}"));

        assertSingleError(compilation, "Hotel.async: the name 'async' is reserved");
    }

    @Test
    void methods_namedSendClashingWithTheSendViews_failBecauseTheClientReservesThem() {
        assertSingleError(
                compile(hotel("public void send() {}")),
                "Hotel.send: a method 'send' with no parameters or one Duration clashes");
        assertSingleError(
                compile(hotel("public void send(java.time.Duration d) {}")),
                "clashes with the generated client's send()");
        assertThat(compile(hotel("public void send(String order) {}")).status())
                .as("other parameters overload it")
                .isEqualTo(Compilation.Status.SUCCESS);
    }

    // ---- the class ----

    @Test
    void constructor_missingPublicConstructor_failsNamingBothForms() {
        Compilation compilation = compile("""
                package test;

                @dev.mu2sls.Service
                public class Hotel {
                    public Hotel(String name) {}
                }
                """);

        assertSingleError(
                compilation,
                "Hotel has no public constructor taking () or (dev.mu2sls.State)",
                "public Hotel(State state)",
                "public Hotel()");
    }

    @Test
    void constructor_throwingCheckedException_fails() {
        Compilation compilation = compile("""
                package test;

                @dev.mu2sls.Service
                public class Hotel {
                    public Hotel() throws java.io.IOException {}
                }
                """);

        assertSingleError(compilation, "Hotel constructor declares checked exception java.io.IOException");
    }

    @Test
    void serviceClass_abstractAndNotPublic_failsWithBothProblems() {
        Compilation compilation = compile("""
                package test;

                @dev.mu2sls.Service
                abstract class Hotel {
                }
                """);

        assertError(compilation, "Hotel is not public", "declare it public class Hotel");
        assertError(compilation, "Hotel is abstract", "remove abstract");
    }

    @Test
    void serviceClass_nestedGenericOrInterface_fails() {
        Compilation compilation = compile("""
                package test;

                public class Outer {
                    @dev.mu2sls.Service
                    public static class Inner {}

                    @dev.mu2sls.Service
                    public interface Api {}
                }
                """, """
                package test;

                @dev.mu2sls.Service
                public class Box<T> {}
                """);

        assertError(compilation, "Inner is nested in Outer", "must be top level");
        assertError(compilation, "Api is an interface", "@Service goes on a public top-level class");
        assertError(compilation, "Box declares type parameters <T>", "cannot be generic");
    }

    @Test
    void serviceName_notAnIdentifier_fails() {
        Compilation compilation = compile("""
                package test;

                @dev.mu2sls.Service(name = "hotel-service")
                public class Hotel {}
                """);

        assertSingleError(compilation, "service name 'hotel-service' is not valid", "letters, digits and underscores");
    }
}
