package dev.mu2sls.cli;

import dev.mu2sls.platform.local.Apps;
import dev.mu2sls.spi.ServiceDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** The workloads of DESIGN §8 that the CLI drives: services, set-up requests, a request generator. */
enum Workload {
    W1(
            "W1",
            "single-stateful: Counter.add, keys uniform over 1000",
            Apps.resolve("counter").services()) {
        @Override
        Request next(SplittableRandom random) {
            return counterAdd("Counter", random);
        }
    },
    W2(
            "W2",
            "chain: Caller1 -> Caller2 -> Counter.add, sync calls",
            Apps.resolve("chain").services()) {
        @Override
        Request next(SplittableRandom random) {
            return counterAdd("Caller1", random);
        }
    },
    W3(
            "W3",
            "tree: one transaction, async Backend1.add and Backend2.add, await both, commit",
            Apps.resolve("tree").services()) {
        @Override
        Request next(SplittableRandom random) {
            return counterAdd("Tree", random);
        }
    },
    W4(
            "W4",
            "media: MediaFrontend.compose logs in, registers with ComposeReview, fans out four uploads; 100 users, 1000 movies",
            Apps.resolve("media").services()) {
        @Override
        List<Request> setup() {
            List<Request> registrations = new ArrayList<>();
            for (int u = 0; u < MEDIA_USERS; u++) {
                registrations.add(new Request(
                        "User",
                        "register",
                        "[\"user" + u + "\",\"First" + u + "\",\"Last" + u + "\",\"password" + u + "\"]",
                        null,
                        0));
            }
            for (int m = 0; m < MEDIA_MOVIES; m++) {
                registrations.add(new Request("MovieId", "register", "[\"Movie " + m + "\",\"tt" + m + "\"]", null, 0));
            }
            return registrations;
        }

        @Override
        Request next(SplittableRandom random) {
            int user = random.nextInt(MEDIA_USERS);
            return new Request(
                    "MediaFrontend",
                    "compose",
                    "[\"user" + user + "\",\"password" + user + "\",\"Movie "
                            + random.nextInt(MEDIA_MOVIES) + "\"," + random.nextInt(0, 11) + ",\""
                            + "good ".repeat(random.nextInt(1, 20))
                            + "\"]",
                    null,
                    0);
        }
    },
    W5(
            "W5",
            "travel: Frontend.book reserves hotel and flight in a transaction, then places the order; 100 hotels, 100 flights",
            travelServices()) {
        @Override
        List<Request> setup() {
            return openTravel(100, 1_000_000);
        }

        @Override
        Request next(SplittableRandom random) {
            return book(random, 100);
        }
    },
    W5_HOT("W5-hot", "travel, hot: 5 hotels and 5 flights for all clients", travelServices()) {
        @Override
        List<Request> setup() {
            return openTravel(5, 1_000_000);
        }

        @Override
        Request next(SplittableRandom random) {
            return book(random, 5);
        }
    },
    W6(
            "W6",
            "bank: transfers between 1000 accounts in transactions, 1 in 50 requests an audit of all balances",
            Apps.resolve("bank").services()) {
        @Override
        List<Request> setup() {
            List<Request> opens = new ArrayList<>();
            for (int a = 0; a < ACCOUNTS; a++) {
                opens.add(new Request("Account", "open", "[\"a" + a + "\"," + INITIAL_BALANCE + "]", null, 0));
            }
            return opens;
        }

        @Override
        Request next(SplittableRandom random) {
            if (random.nextInt(50) == 0) {
                return new Request("Bank", "audit", "[]", null, 0);
            }
            return new Request(
                    "Bank",
                    "transfer",
                    "[\"a" + random.nextInt(ACCOUNTS) + "\",\"a" + random.nextInt(ACCOUNTS) + "\","
                            + random.nextInt(1, 101) + "]",
                    null,
                    0);
        }
    },
    W7(
            "W7",
            "shop: Orders.checkout reserves stock and arms a 30-minute cancel timer in a transaction; 7 in 10 pay at once"
                    + " (charge, and a one-way notification); 20 items",
            Apps.resolve("orders").services()) {
        @Override
        List<Request> setup() {
            List<Request> stock = new ArrayList<>();
            for (int i = 0; i < SHOP_ITEMS; i++) {
                stock.add(new Request("Inventory", "stock", "[\"i" + i + "\"," + SHOP_STOCK + "]", null, 0));
            }
            return stock;
        }

        @Override
        Request next(SplittableRandom random) {
            String order = "o" + Long.toHexString(random.nextLong());
            return new Request(
                    "Orders",
                    "checkout",
                    "[\"" + order + "\",\"i" + random.nextInt(SHOP_ITEMS) + "\"," + random.nextInt(1, 4) + ","
                            + (random.nextInt(10) < 7) + "]",
                    null,
                    0);
        }
    };

    static final int KEYS = 1000;
    static final int MEDIA_USERS = 100;
    static final int MEDIA_MOVIES = 1000;
    static final int ACCOUNTS = 1000;
    static final long INITIAL_BALANCE = 1000;
    static final int SHOP_ITEMS = 20;
    static final long SHOP_STOCK = 1_000_000;

    final String label;
    final String description;
    final List<ServiceDefinition> services;

    Workload(String label, String description, List<ServiceDefinition> services) {
        this.label = label;
        this.description = description;
        this.services = services;
    }

    /** Requests that prepare the state (run once, sequentially, before the load). */
    List<Request> setup() {
        return List.of();
    }

    /** The next request of the load. */
    abstract Request next(SplittableRandom random);

    @Override
    public String toString() {
        return label;
    }

    static Workload parse(String name) {
        for (Workload workload : values()) {
            if (workload.label.equalsIgnoreCase(name)) {
                return workload;
            }
        }
        throw new IllegalArgumentException("unknown workload '" + name + "'; available: "
                + List.of(values()).stream().map(w -> w.label).toList());
    }

    private static Request counterAdd(String service, SplittableRandom random) {
        String key = "k" + random.nextInt(KEYS);
        long delta = random.nextInt(1, 11);
        return new Request(service, "add", "[\"" + key + "\"," + delta + "]", key, delta);
    }

    private static List<ServiceDefinition> travelServices() {
        return Apps.resolve("travel").services();
    }

    private static List<Request> openTravel(int places, int capacity) {
        List<Request> opens = new ArrayList<>();
        for (int i = 0; i < places; i++) {
            opens.add(new Request("Hotel", "open", "[\"h" + i + "\"," + capacity + "]", null, 0));
            opens.add(new Request("Flight", "open", "[\"f" + i + "\"," + capacity + "]", null, 0));
        }
        return opens;
    }

    private static Request book(SplittableRandom random, int places) {
        return new Request(
                "Frontend",
                "book",
                "[\"u" + random.nextInt(1000) + "\",\"f" + random.nextInt(places) + "\",\"h" + random.nextInt(places)
                        + "\"]",
                null,
                0);
    }

    /**
     * One generated request; {@code key} and {@code delta} describe counter adds (W1-W3) for the
     * history check, and are null/0 otherwise.
     */
    record Request(String service, String method, String json, String key, long delta) {}
}
