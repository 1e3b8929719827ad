package dev.mu2sls.examples;

import dev.mu2sls.examples.bank.AccountDispatcher;
import dev.mu2sls.examples.bank.BankDispatcher;
import dev.mu2sls.examples.chain.Caller1Dispatcher;
import dev.mu2sls.examples.chain.Caller2Dispatcher;
import dev.mu2sls.examples.counter.CounterDispatcher;
import dev.mu2sls.examples.media.ComposeReviewDispatcher;
import dev.mu2sls.examples.media.MovieIdDispatcher;
import dev.mu2sls.examples.media.MovieReviewDispatcher;
import dev.mu2sls.examples.media.ReviewStorageDispatcher;
import dev.mu2sls.examples.media.TextDispatcher;
import dev.mu2sls.examples.media.UniqueIdDispatcher;
import dev.mu2sls.examples.media.UserDispatcher;
import dev.mu2sls.examples.media.UserReviewDispatcher;
import dev.mu2sls.examples.mixed.OrchestratorDispatcher;
import dev.mu2sls.examples.mixed.ShardDispatcher;
import dev.mu2sls.examples.shortener.AnalyticsDispatcher;
import dev.mu2sls.examples.shortener.ShortenerDispatcher;
import dev.mu2sls.examples.social.PostStorageDispatcher;
import dev.mu2sls.examples.social.SocialDispatcher;
import dev.mu2sls.examples.social.SocialGraphDispatcher;
import dev.mu2sls.examples.social.TimelineDispatcher;
import dev.mu2sls.examples.travel.FlightDispatcher;
import dev.mu2sls.examples.travel.FrontendDispatcher;
import dev.mu2sls.examples.travel.HotelDispatcher;
import dev.mu2sls.examples.travel.OrderDispatcher;
import dev.mu2sls.examples.tree.Backend1Dispatcher;
import dev.mu2sls.examples.tree.Backend2Dispatcher;
import dev.mu2sls.examples.tree.TreeDispatcher;
import dev.mu2sls.simulator.SpecComparison.Request;
import dev.mu2sls.spi.ServiceDefinition;
import dev.mu2sls.testing.Simulation;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Services and seeded request sequences of the workloads the property tests run. */
final class Workloads {
    static final List<ServiceDefinition> W1 = List.of(new CounterDispatcher());
    static final List<ServiceDefinition> W2 =
            List.of(new Caller1Dispatcher(), new Caller2Dispatcher(), new CounterDispatcher());
    static final List<ServiceDefinition> MIXED = List.of(new OrchestratorDispatcher(), new ShardDispatcher());
    static final List<ServiceDefinition> W3 =
            List.of(new TreeDispatcher(), new Backend1Dispatcher(), new Backend2Dispatcher());
    static final List<ServiceDefinition> W5 =
            List.of(new FrontendDispatcher(), new HotelDispatcher(), new FlightDispatcher(), new OrderDispatcher());
    static final List<ServiceDefinition> W6 = List.of(new BankDispatcher(), new AccountDispatcher());
    /** W4 media; its front end is the service {@code MediaFrontend} (W5 has a {@code Frontend}). */
    static final List<ServiceDefinition> W4 = List.of(
            new dev.mu2sls.examples.media.FrontendDispatcher(),
            new UserDispatcher(),
            new ComposeReviewDispatcher(),
            new UniqueIdDispatcher(),
            new MovieIdDispatcher(),
            new TextDispatcher(),
            new ReviewStorageDispatcher(),
            new UserReviewDispatcher(),
            new MovieReviewDispatcher());

    static final List<ServiceDefinition> SHORTENER = List.of(new ShortenerDispatcher(), new AnalyticsDispatcher());
    static final List<ServiceDefinition> SOCIAL = List.of(
            new SocialDispatcher(), new SocialGraphDispatcher(), new PostStorageDispatcher(), new TimelineDispatcher());
    /** W4 at the paper's scale. */
    static final int MEDIA_USERS = 100;

    static final int MEDIA_MOVIES = 1000;

    private Workloads() {}

    /** W1: adds to a few hot keys, with reads mixed in. */
    static List<Request> counter(long seed, String service) {
        SplittableRandom random = new SplittableRandom(seed);
        int count = random.nextInt(4, 14);
        List<Request> requests = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String key = "k" + random.nextInt(3);
            if (service.equals("Counter") && random.nextInt(5) == 0) {
                requests.add(new Request("r" + i, "Counter", "get", "[\"" + key + "\"]"));
            } else {
                requests.add(new Request("r" + i, service, "add", "[\"" + key + "\", " + random.nextInt(1, 10) + "]"));
            }
        }
        return requests;
    }

    /** W3: transactional adds to a few keys of both backends. */
    static List<Request> tree(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int count = random.nextInt(3, 10);
        List<Request> requests = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            requests.add(new Request(
                    "t" + i, "Tree", "add", "[\"k" + random.nextInt(3) + "\", " + random.nextInt(1, 10) + "]"));
        }
        return requests;
    }

    /** W5: a few small hotels and flights, then bookings, some of which sell out (abort). */
    static List<Request> travel(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Request> requests = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            requests.add(new Request("open-h" + i, "Hotel", "open", "[\"h" + i + "\", " + random.nextInt(1, 3) + "]"));
            requests.add(new Request("open-f" + i, "Flight", "open", "[\"f" + i + "\", " + random.nextInt(1, 3) + "]"));
        }
        int count = random.nextInt(2, 7);
        for (int i = 0; i < count; i++) {
            requests.add(new Request(
                    "b" + i,
                    "Frontend",
                    "book",
                    "[\"u" + random.nextInt(3) + "\", \"f" + random.nextInt(2) + "\", \"h" + random.nextInt(2)
                            + "\"]"));
        }
        return requests;
    }

    /** The mixed service: batches with fan-out, failing batches, receipt lookups. */
    static List<Request> mixed(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int count = random.nextInt(3, 8);
        List<Request> requests = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String user = "u" + random.nextInt(2);
            int kind = random.nextInt(10);
            if (kind == 0) {
                requests.add(new Request(
                        "m" + i, "Orchestrator", "receipt", "[\"" + user + "\", " + random.nextInt(1, 4) + "]"));
            } else if (kind == 1) {
                requests.add(new Request("m" + i, "Orchestrator", "process", "[\"" + user + "\", []]"));
            } else {
                List<Long> amounts = new ArrayList<>();
                int parts = random.nextInt(1, 4);
                for (int p = 0; p < parts; p++) {
                    amounts.add(kind == 2 && p == parts - 1 ? -1L : random.nextLong(0, 100));
                }
                requests.add(new Request("m" + i, "Orchestrator", "process", "[\"" + user + "\", " + amounts + "]"));
            }
        }
        return requests;
    }

    /**
     * W4 at property-test size: registers 1-3 users and 1-3 movies, then composes reviews (a
     * fifth of them bad: wrong password, unknown user, unknown movie, rating out of range) mixed
     * with reads of the user and movie review lists.
     */
    static List<Request> media(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int users = random.nextInt(1, 4);
        int movies = random.nextInt(1, 4);
        List<Request> requests = mediaSetup(users, movies);
        int count = random.nextInt(3, 10);
        for (int i = 0; i < count; i++) {
            String id = "c" + i;
            int user = random.nextInt(users);
            int kind = random.nextInt(20);
            switch (kind) {
                case 0 ->
                    requests.add(new Request(
                            id,
                            "MediaFrontend",
                            "compose",
                            args(username(user), "wrong", title(random.nextInt(movies)), 5, "text " + i)));
                case 1 ->
                    requests.add(new Request(
                            id,
                            "MediaFrontend",
                            "compose",
                            args("nobody", password(0), title(random.nextInt(movies)), 5, "text " + i)));
                case 2 ->
                    requests.add(new Request(
                            id,
                            "MediaFrontend",
                            "compose",
                            args(username(user), password(user), "Unknown Movie", 5, "text " + i)));
                case 3 ->
                    requests.add(new Request(
                            id,
                            "MediaFrontend",
                            "compose",
                            args(
                                    username(user),
                                    password(user),
                                    title(random.nextInt(movies)),
                                    random.nextBoolean() ? -1 : 11,
                                    "text")));
                case 4, 5 -> requests.add(new Request(id, "UserReview", "reviews", args(user + 1)));
                case 6, 7 ->
                    requests.add(new Request(id, "MovieReview", "reviews", args(movieId(random.nextInt(movies)))));
                default -> requests.add(mediaCompose(random, id, users, movies));
            }
        }
        return requests;
    }

    /** W4 at the paper's scale: 100 users, 1000 movies, then {@code composes} reviews by random users of random movies. */
    static List<Request> mediaBench(long seed, int composes) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Request> requests = mediaSetup(MEDIA_USERS, MEDIA_MOVIES);
        for (int i = 0; i < composes; i++) {
            requests.add(mediaCompose(random, "c" + i, MEDIA_USERS, MEDIA_MOVIES));
        }
        return requests;
    }

    /** Registers users {@code user0..} (user ids 1, 2, ...) and movies {@code "Movie 0"..} ({@code tt0000000..}). */
    static List<Request> mediaSetup(int users, int movies) {
        List<Request> requests = new ArrayList<>(users + movies);
        for (int u = 0; u < users; u++) {
            requests.add(new Request(
                    "register-user" + u, "User", "register", args(username(u), "First" + u, "Last" + u, password(u))));
        }
        for (int m = 0; m < movies; m++) {
            requests.add(new Request("register-movie" + m, "MovieId", "register", args(title(m), movieId(m))));
        }
        return requests;
    }

    /** A valid review by a random registered user of a random registered movie. */
    static Request mediaCompose(SplittableRandom random, String id, int users, int movies) {
        int user = random.nextInt(users);
        return new Request(
                id,
                "MediaFrontend",
                "compose",
                args(
                        username(user),
                        password(user),
                        title(random.nextInt(movies)),
                        random.nextInt(0, 11),
                        "review " + id + ": " + "good ".repeat(random.nextInt(1, 20))));
    }

    static String username(int user) {
        return "user" + user;
    }

    static String password(int user) {
        return "password" + user;
    }

    static String title(int movie) {
        return "Movie " + movie;
    }

    static String movieId(int movie) {
        return "tt" + "0".repeat(7 - Integer.toString(movie).length()) + movie;
    }

    /**
     * The URL shortener: shortening a few URLs (some twice), custom aliases (some taken, some
     * invalid, some equal to codes the counter generates, which it then skips), resolving
     * generated codes ("1", "2", ...), aliases and unknown codes, and reading visit counts and links.
     */
    static List<Request> shortener(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int count = random.nextInt(4, 16);
        List<Request> requests = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String id = "s" + i;
            String url = "https://example.com/page/" + random.nextInt(4);
            String alias = random.nextBoolean() ? "alias" + random.nextInt(2) : Integer.toString(random.nextInt(2, 4));
            String code = random.nextInt(4) == 0 ? alias : Integer.toString(random.nextInt(1, 5));
            switch (random.nextInt(12)) {
                case 0, 1, 2, 3 -> requests.add(new Request(id, "Shortener", "shorten", args(url)));
                case 4 ->
                    requests.add(new Request(
                            id,
                            "Shortener",
                            "shorten",
                            args(random.nextBoolean() ? "ftp://example.com/x" : "not a url")));
                case 5, 6 -> requests.add(new Request(id, "Shortener", "alias", args(url, alias)));
                case 7 ->
                    requests.add(
                            new Request(id, "Shortener", "alias", args(url, random.nextBoolean() ? "" : "bad alias")));
                case 8, 9 -> requests.add(new Request(id, "Shortener", "resolve", args(code)));
                case 10 -> requests.add(new Request(id, "Analytics", "visits", args(code)));
                default -> requests.add(new Request(id, "Shortener", "link", args(code)));
            }
        }
        return requests;
    }

    /**
     * The social graph among four users: a few follows first, then posts that fan out to
     * followers (a few blank, so rejected), reads of timelines, followers and following, and more
     * follows and unfollows (some repeated, some of oneself).
     */
    static List<Request> social(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Request> requests = new ArrayList<>();
        int edges = random.nextInt(1, 5);
        for (int i = 0; i < edges; i++) {
            int follower = random.nextInt(4);
            int followee = (follower + random.nextInt(1, 4)) % 4;
            requests.add(new Request("f" + i, "SocialGraph", "follow", args("u" + follower, "u" + followee)));
        }
        int count = random.nextInt(3, 11);
        for (int i = 0; i < count; i++) {
            String id = "g" + i;
            String user = "u" + random.nextInt(4);
            String other = "u" + random.nextInt(4);
            switch (random.nextInt(12)) {
                case 0, 1, 2, 3 ->
                    requests.add(new Request(
                            id,
                            "Social",
                            "post",
                            args(user, random.nextInt(10) == 0 ? " " : "post " + i + " by " + user)));
                case 4, 5, 11 -> requests.add(new Request(id, "Social", "timeline", args(user)));
                case 6, 7 -> requests.add(new Request(id, "SocialGraph", "follow", args(user, other)));
                case 8 -> requests.add(new Request(id, "SocialGraph", "unfollow", args(user, other)));
                case 9 -> requests.add(new Request(id, "SocialGraph", "followers", args(user)));
                default -> requests.add(new Request(id, "SocialGraph", "following", args(user)));
            }
        }
        return requests;
    }

    /** A JSON array of strings and numbers. */
    static String args(Object... values) {
        StringBuilder json = new StringBuilder("[");
        for (Object value : values) {
            if (json.length() > 1) {
                json.append(", ");
            }
            if (value instanceof String text) {
                json.append('"')
                        .append(text.replace("\\", "\\\\").replace("\"", "\\\""))
                        .append('"');
            } else {
                json.append(value);
            }
        }
        return json.append(']').toString();
    }

    // ---- concurrent client scripts for the recorded simulations (HistoryCheckTest) ----

    /** W1 and W2: adds to {@code keys} hot keys through {@code service}, with Counter reads mixed in. */
    static Simulation.Script counterClients(String service, int keys) {
        return (random, client, i) -> {
            String key = "\"k" + random.nextInt(keys) + "\"";
            if (random.nextInt(5) == 0) {
                return new Simulation.Request("Counter", "get", "[" + key + "]");
            }
            return new Simulation.Request(service, "add", "[" + key + ", " + random.nextInt(1, 10) + "]");
        };
    }

    /** W5 setup: opens {@code places} hotels and flights of {@code capacity}, one request at a time. */
    static void openTravel(Simulation simulation, int places, int capacity) {
        for (int i = 0; i < places; i++) {
            simulation.call("open-h" + i, "Hotel", "open", "[\"h" + i + "\", " + capacity + "]");
            simulation.call("open-f" + i, "Flight", "open", "[\"f" + i + "\", " + capacity + "]");
        }
    }

    /** W5: bookings of random flights and hotels by a few users. */
    static Simulation.Script travelClients(int places, int users) {
        return (random, client, i) -> new Simulation.Request(
                "Frontend",
                "book",
                "[\"u" + random.nextInt(users) + "\", \"f" + random.nextInt(places) + "\", \"h" + random.nextInt(places)
                        + "\"]");
    }

    /** W4 setup: registers {@code users} users and {@code movies} movies, one request at a time. */
    static void registerMedia(Simulation simulation, int users, int movies) {
        for (Request registration : mediaSetup(users, movies)) {
            simulation.call(
                    registration.id(), registration.service(), registration.method(), registration.jsonArguments());
        }
    }

    /** W4: reviews by random registered users of random registered movies. */
    static Simulation.Script mediaClients(int users, int movies) {
        return (random, client, i) -> {
            Request compose = mediaCompose(random, "unused", users, movies);
            return new Simulation.Request(compose.service(), compose.method(), compose.jsonArguments());
        };
    }

    /** W6 setup: opens {@code accounts} accounts with {@code balance} each. */
    static void openAccounts(Simulation simulation, int accounts, long balance) {
        for (int a = 0; a < accounts; a++) {
            simulation.call("open-a" + a, "Account", "open", "[\"a" + a + "\", " + balance + "]");
        }
    }

    /** W6: transfers between random accounts, one request in eight an audit of the total. */
    static Simulation.Script bankClients(int accounts) {
        return (random, client, i) -> random.nextInt(8) == 0
                ? new Simulation.Request("Bank", "audit", "[]")
                : new Simulation.Request(
                        "Bank",
                        "transfer",
                        "[\"a" + random.nextInt(accounts) + "\", \"a" + random.nextInt(accounts) + "\", "
                                + random.nextInt(1, 150) + "]");
    }
}
