package dev.mu2sls.processor;

import static dev.mu2sls.processor.TestCompilations.assertClean;
import static dev.mu2sls.processor.TestCompilations.assertError;
import static dev.mu2sls.processor.TestCompilations.compile;
import static dev.mu2sls.processor.TestCompilations.describe;
import static dev.mu2sls.processor.TestCompilations.generatedSource;
import static dev.mu2sls.processor.TestCompilations.servicesFile;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.testing.compile.Compilation;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServiceGenerationTest {

    static final String HOTEL = """
            package test.hotel;

            import dev.mu2sls.PersistentMap;
            import dev.mu2sls.PersistentValue;
            import dev.mu2sls.Service;
            import dev.mu2sls.State;
            import java.io.IOException;
            import java.math.BigDecimal;
            import java.time.Instant;
            import java.util.ArrayList;
            import java.util.List;
            import java.util.Map;
            import java.util.Optional;
            import java.util.Set;
            import java.util.UUID;

            @Service
            public class Hotel {
                public enum Kind { SINGLE, DOUBLE }

                public record Room(String number, Kind kind, BigDecimal price, List<Instant> bookings) {}

                public record Floor(int level, Map<Kind, Set<Room>> rooms, Optional<Floor> above) {}

                private final PersistentMap<String, Room> rooms;
                private final PersistentMap<UUID, List<String>> guests;
                private final PersistentValue<Instant> opened;

                public Hotel(State state) {
                    rooms = state.map("rooms", String.class, Room.class);
                    guests = state.map("guests", UUID.class, new dev.mu2sls.TypeRef<List<String>>() {});
                    opened = state.value("opened", Instant.class);
                }

                public void addRoom(Room room) {
                    rooms.put(room.number(), room);
                }

                public Optional<Room> room(String number) {
                    return Optional.ofNullable(rooms.get(number));
                }

                public List<String> reserve(UUID guest, List<String> numbers, Instant when) throws IOException {
                    List<String> reserved = new ArrayList<>(numbers);
                    guests.put(guest, reserved);
                    return reserved;
                }

                public Map<String, Integer> occupancy(int[] floors, byte[] raw, String... tags) {
                    return Map.of();
                }

                public Floor floor(int level) {
                    return new Floor(level, Map.of(), Optional.empty());
                }

                public Instant opened() {
                    return opened.get();
                }

                public long countRooms() {
                    return rooms.scan(null, null, 1000).size();
                }

                @Override
                public String toString() {
                    return "Hotel";
                }

                static int helper() {
                    return 1;
                }

                void packagePrivateIsNotAnOperation() {}
            }
            """;

    static final String COUNTER = """
            package test;

            import dev.mu2sls.PersistentMap;
            import dev.mu2sls.Service;
            import dev.mu2sls.State;
            import java.util.ArrayList;
            import java.util.List;

            @Service
            public class Counter {
                private final PersistentMap<String, Long> counts;

                public Counter(State state) {
                    counts = state.map("counts", String.class, Long.class);
                }

                public long add(String key, long delta) {
                    long value = counts.getOrDefault(key, 0L) + delta;
                    counts.put(key, value);
                    return value;
                }

                public void reset(String key) {
                    counts.remove(key);
                }

                public List<String> keys() {
                    List<String> keys = new ArrayList<>();
                    for (var entry : counts.scan(null, null, 100)) {
                        keys.add(entry.getKey());
                    }
                    return keys;
                }

                public void placeOrder(String key) {}
            }
            """;

    static final String GREETER = """
            package test.greet;

            import dev.mu2sls.Service;

            @Service
            public class Greeter {
                public String greet(String name) {
                    return "Hello, " + name;
                }
            }
            """;

    @Test
    void compile_validStatefulService_succeedsWithoutWarnings() {
        Compilation compilation = compile(HOTEL);

        assertClean(compilation);
        assertThat(compilation.generatedSourceFile("test.hotel.HotelClient")).isPresent();
        assertThat(compilation.generatedSourceFile("test.hotel.HotelDispatcher"))
                .isPresent();
        assertThat(servicesFile(compilation)).isEqualTo("test.hotel.HotelDispatcher\n");
    }

    @Test
    void compile_validServiceWithWerror_generatedCodeHasNoLintWarnings() {
        List<String> options = new ArrayList<>(TestCompilations.OPTIONS);
        options.add("-Werror");

        Compilation compilation = compile(options, HOTEL, COUNTER, GREETER);

        assertClean(compilation);
    }

    @Test
    void compile_counter_generatesClientOfTheDocumentedShape() {
        Compilation compilation = compile(COUNTER);

        assertClean(compilation);
        String client = generatedSource(compilation, "test.CounterClient");
        assertThat(client)
                .contains(
                        "@Generated(\"dev.mu2sls.processor.ServiceProcessor\")",
                        "public final class CounterClient {",
                        "static final MethodRef ADD = new MethodRef(\"Counter\", \"add\", 0, List.of(\"key\", \"delta\"), "
                                + "List.<Type>of(String.class, long.class), long.class);",
                        "static final MethodRef RESET = new MethodRef(\"Counter\", \"reset\", 1, List.of(\"key\"), "
                                + "List.<Type>of(String.class), void.class);",
                        "static final MethodRef KEYS = new MethodRef(\"Counter\", \"keys\", 2, List.of(), List.<Type>of(), "
                                + "new TypeRef<List<String>>() {}.type());",
                        "static final MethodRef PLACE_ORDER = new MethodRef(\"Counter\", \"placeOrder\", 3,",
                        "private final Async async = new Async();",
                        "public CounterClient() {",
                        "public CounterClient(ExecutionContext context) {",
                        "this.outside = Objects.requireNonNull(context, \"context\");",
                        "return outside != null ? outside : Contexts.current();",
                        "public long add(String key, long delta) {",
                        "return (Long) context().call(ADD, new Object[] {key, delta});",
                        "context().call(RESET, new Object[] {key});",
                        "@SuppressWarnings(\"unchecked\")",
                        "return (List<String>) context().call(KEYS, new Object[] {});",
                        "public Async async() {",
                        "public static final class Async {",
                        "public DurableFuture<Long> add(String key, long delta) {",
                        "return new DurableFuture<>(Contexts.current().callAsync(ADD, new Object[] {key, delta}));",
                        "public DurableFuture<Void> reset(String key) {",
                        "public DurableFuture<List<String>> keys() {");
        assertThat(client).doesNotContain("@SuppressWarnings(\"unchecked\")\n  public long add");
    }

    @Test
    void compile_counter_generatesDispatcherOfTheDocumentedShape() {
        Compilation compilation = compile(COUNTER);

        String dispatcher = generatedSource(compilation, "test.CounterDispatcher");
        assertThat(dispatcher)
                .contains(
                        "public final class CounterDispatcher implements ServiceDefinition {",
                        "private static final List<MethodRef> METHODS = List.of(CounterClient.ADD, CounterClient.RESET, "
                                + "CounterClient.KEYS, CounterClient.PLACE_ORDER);",
                        "public CounterDispatcher() {",
                        "return \"Counter\";",
                        "public Class<?> serviceClass() {",
                        "return Counter.class;",
                        "public Object newInstance(State state) {",
                        "return new Counter(state);",
                        "public Object invoke(Object service, int methodIndex, Object[] args) throws Exception {",
                        "Counter target = (Counter) service;",
                        "case 0:",
                        "return target.add((String) args[0], (Long) args[1]);",
                        "target.reset((String) args[0]);",
                        "return null;",
                        "return target.keys();",
                        "throw new IllegalArgumentException(\"Counter has no method number \" + methodIndex);");
        assertThat(dispatcher).doesNotContain("SuppressWarnings");
    }

    @Test
    void compile_genericParameter_dispatcherSuppressesOnlyItsUncheckedCast() {
        Compilation compilation = compile(HOTEL);

        String dispatcher = generatedSource(compilation, "test.hotel.HotelDispatcher");
        assertThat(dispatcher)
                .contains(
                        "@SuppressWarnings(\"unchecked\")",
                        "(List<String>) args[1]",
                        "(String[]) args[2]",
                        "(Integer) args[0]",
                        "HotelClient.COUNT_ROOMS")
                .doesNotContain("toString", "helper", "packagePrivateIsNotAnOperation");
        String client = generatedSource(compilation, "test.hotel.HotelClient");
        assertThat(client)
                .contains(
                        "public Map<String, Integer> occupancy(int[] floors, byte[] raw, String... tags)",
                        "List.<Type>of(int[].class, byte[].class, String[].class)",
                        "new TypeRef<Optional<Hotel.Room>>() {}.type()",
                        "Hotel.Room.class");
    }

    @Test
    void compile_noArgConstructorService_dispatcherCreatesItWithoutState() {
        Compilation compilation = compile(GREETER);

        assertClean(compilation);
        assertThat(generatedSource(compilation, "test.greet.GreeterDispatcher")).contains("return new Greeter();");
        assertThat(servicesFile(compilation)).isEqualTo("test.greet.GreeterDispatcher\n");
    }

    @Test
    void compile_serviceNameInAnnotation_routesByThatName() {
        Compilation compilation = compile("""
                package test;

                import dev.mu2sls.Service;

                @Service(name = "Inventory")
                public class StockService {
                    public int available(String item) {
                        return 3;
                    }
                }
                """);

        assertClean(compilation);
        assertThat(generatedSource(compilation, "test.StockServiceClient"))
                .contains("new MethodRef(\"Inventory\", \"available\", 0,");
        assertThat(generatedSource(compilation, "test.StockServiceDispatcher"))
                .contains("return \"Inventory\";", "return StockService.class;");
    }

    @Test
    void compile_internalMethodAndNullableParameter_issue19_recordedInTheMethodRefs() {
        Compilation compilation = compile("""
                package test;

                import dev.mu2sls.Internal;
                import dev.mu2sls.Service;
                import java.lang.annotation.ElementType;
                import java.lang.annotation.Target;

                @Service
                public class Account {
                    @Target({ElementType.PARAMETER, ElementType.TYPE_USE})
                    public @interface Nullable {}

                    @Internal
                    public long withdraw(String account, long amount) {
                        return amount;
                    }

                    public String note(@Nullable String text, int times) {
                        return text;
                    }

                    public long balance(String account) {
                        return 0;
                    }
                }
                """, """
                package test;

                import dev.mu2sls.Service;

                @Service(internal = true)
                public class Ledger {
                    public void record(String entry) {
                    }
                }
                """);

        assertClean(compilation);
        assertThat(generatedSource(compilation, "test.AccountClient"))
                .contains("new MethodRef(\"Account\", \"withdraw\", 0, List.of(\"account\", \"amount\"), "
                        + "List.<Type>of(String.class, long.class), long.class, true, List.<Boolean>of(false, false));")
                .contains(
                        "new MethodRef(\"Account\", \"note\", 1, List.of(\"text\", \"times\"), "
                                + "List.<Type>of(String.class, int.class), String.class, false, List.<Boolean>of(true, false));")
                .contains(
                        "new MethodRef(\"Account\", \"balance\", 2, List.of(\"account\"), List.<Type>of(String.class), long.class);");
        assertThat(generatedSource(compilation, "test.LedgerClient"))
                .contains(
                        "new MethodRef(\"Ledger\", \"record\", 0, List.of(\"entry\"), List.<Type>of(String.class), void.class, "
                                + "true, List.<Boolean>of(false));");
    }

    @Test
    void compile_severalServices_servicesFileListsEveryDispatcher() {
        Compilation compilation = compile(COUNTER, GREETER, HOTEL);

        assertClean(compilation);
        assertThat(servicesFile(compilation).lines().toList())
                .containsExactly(
                        "test.CounterDispatcher", "test.greet.GreeterDispatcher", "test.hotel.HotelDispatcher");
    }

    @Test
    void compile_serviceUsingAnotherServicesClient_compilesAgainstTheGeneratedClient() {
        Compilation compilation = compile(COUNTER, """
                package test;

                import dev.mu2sls.DurableFuture;
                import dev.mu2sls.Service;

                @Service
                public class Shop {
                    private final CounterClient counter = new CounterClient();

                    public long buy(String item) {
                        DurableFuture<Long> later = counter.async().add(item + "-async", 1);
                        long now = counter.add(item, 1);
                        return now + later.await();
                    }
                }
                """);

        assertClean(compilation);
        assertThat(compilation.generatedSourceFile("test.ShopDispatcher")).isPresent();
        assertThat(servicesFile(compilation).lines().toList())
                .containsExactly("test.CounterDispatcher", "test.ShopDispatcher");
    }

    @Test
    void compile_serviceWithoutOperations_generatesEmptyDispatcher() {
        Compilation compilation = compile("""
                package test;

                @dev.mu2sls.Service
                public class Idle {
                }
                """);

        assertClean(compilation);
        assertThat(generatedSource(compilation, "test.IdleDispatcher"))
                .contains("List.of();", "default:")
                .doesNotContain("target");
    }

    @Test
    void compile_duplicateServiceNames_fails() {
        Compilation compilation = compile(GREETER, """
                package test;

                import dev.mu2sls.Service;

                @Service(name = "Greeter")
                public class OtherGreeter {
                    public String hi() {
                        return "hi";
                    }
                }
                """);

        assertError(
                compilation, "service name 'Greeter'", "test.greet.Greeter", "test.OtherGreeter", "@Service(name = ");
        assertThat(TestCompilations.errors(compilation))
                .as(describe(compilation))
                .hasSize(1);
    }
}
