package dev.mu2sls.platform.local;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The versions of one application that the local platform runs (code upgrades, issue 15 item 5).
 * The newest takes new requests; an older one stays alive while requests it ran are in flight, so
 * that their re-drives run on the code that started them (as Restate keeps deployments and DBOS
 * application versions), and is retired once none is left.
 *
 * <p>The list is kept in {@value #FILE} in the state directory, oldest first, so that a platform
 * started again after a crash ({@code kill -9} of everything) brings back the older versions that
 * still had requests in flight. {@code ./mu2sls upgrade <jar>} asks a running platform for a new
 * version through {@value #REQUEST} (read and deleted by the platform; a refusal is written to
 * {@value #REFUSED}).
 */
final class Deployments {
    static final String FILE = "deployments.json";
    static final String REQUEST = "upgrade-request";
    static final String REFUSED = "upgrade-refused";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One version of the application, as its instances are started.
     *
     * @param appArgument the jar (or example name) the instances are given
     * @param app what it resolves to
     */
    record Deployment(String appArgument, Apps.App app) {
        String version() {
            return app.version();
        }

        boolean declared() {
            return app.declared();
        }

        @Override
        public String toString() {
            return app.name() + " version " + app.version();
        }
    }

    private final Path directory;
    private final PrintStream log;
    private final List<Deployment> live = new CopyOnWriteArrayList<>();

    private Deployments(Path directory, PrintStream log) {
        this.directory = directory;
        this.log = log;
    }

    /**
     * The deployments of a platform started with {@code appArgument}: it is the newest, after the
     * older versions of the same application that {@value #FILE} still lists (a version another
     * run left with requests in flight). Entries of another application, of the same version, or
     * whose jar is gone are dropped with a line in {@code log}.
     */
    static Deployments load(Path directory, String appArgument, PrintStream log) throws IOException {
        Deployments deployments = new Deployments(directory, log);
        Deployment newest = new Deployment(appArgument, Apps.resolve(appArgument));
        Path file = directory.resolve(FILE);
        if (Files.exists(file) && newest.declared()) {
            for (JsonNode entry : JSON.readTree(Files.readString(file, UTF_8))) {
                String argument = entry.path("app").asText();
                try {
                    Deployment older = new Deployment(argument, Apps.resolve(argument));
                    if (older.app().name().equals(newest.app().name())
                            && older.declared()
                            && !older.version().equals(newest.version())
                            && deployments.find(older.version()) == null) {
                        deployments.live.add(older);
                        log.println("platform: keeping " + older + " alive while requests it ran are in flight");
                    }
                } catch (RuntimeException gone) {
                    log.println("platform: cannot start " + argument + " listed in " + file + " again: "
                            + gone.getMessage() + "; requests it ran are re-driven on the newest version");
                }
            }
        }
        deployments.live.add(newest);
        deployments.save();
        return deployments;
    }

    /** Every live version, oldest first. */
    List<Deployment> all() {
        return List.copyOf(live);
    }

    /** The version new requests go to. */
    Deployment newest() {
        return live.getLast();
    }

    /** The older versions still alive. */
    List<Deployment> older() {
        List<Deployment> all = all();
        return all.subList(0, all.size() - 1);
    }

    private Deployment find(String version) {
        return live.stream()
                .filter(d -> d.version().equals(version))
                .findFirst()
                .orElse(null);
    }

    /**
     * The new version {@code ./mu2sls upgrade} asked for, now the newest, or null if none was asked
     * for or it was refused (then the reason is in {@value #REFUSED}): it must be the same
     * application, declare its version, and not be a version already alive.
     */
    Deployment takeRequest() throws IOException {
        Path request = directory.resolve(REQUEST);
        if (!Files.exists(request)) {
            return null;
        }
        String argument = Files.readString(request, UTF_8).strip();
        Files.delete(request);
        try {
            Deployment next = new Deployment(argument, Apps.resolve(argument));
            Deployment current = newest();
            if (!next.app().name().equals(current.app().name())) {
                throw new IllegalArgumentException(argument + " is application '"
                        + next.app().name() + "', but '" + current.app().name()
                        + "' is up; start another with ./mu2sls up and its own --state-dir");
            }
            if (!next.declared() || !current.declared()) {
                throw new IllegalArgumentException("an upgrade needs both versions declared with @Application(name = \""
                        + current.app().name() + "\", version = \"...\"): requests record the version that ran them");
            }
            if (find(next.version()) != null) {
                throw new IllegalArgumentException(next + " is already up");
            }
            live.add(next);
            save();
            log.println(
                    "platform: upgrading to " + next + "; " + current + " stays while requests it ran are in flight");
            return next;
        } catch (RuntimeException refused) {
            Files.writeString(directory.resolve(REFUSED), refused.getMessage() + "\n");
            log.println("platform: upgrade refused: " + refused.getMessage());
            return null;
        }
    }

    /** Drops {@code older}: no request it ran is left. */
    void retire(Deployment older) throws IOException {
        live.remove(older);
        save();
    }

    private void save() throws IOException {
        ArrayNode entries = JSON.createArrayNode();
        for (Deployment deployment : live) {
            entries.addObject().put("app", deployment.appArgument()).put("version", deployment.version());
        }
        Path aside = directory.resolve(FILE + ".tmp");
        Files.writeString(aside, entries.toPrettyString());
        Files.move(aside, directory.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Asks the platform up from {@code directory} to run {@code jar} as its newest version (what
     * {@code ./mu2sls upgrade} does); the platform picks it up within a tick.
     */
    static void request(Path directory, Path jar) throws IOException {
        Files.deleteIfExists(directory.resolve(REFUSED));
        Path aside = directory.resolve(REQUEST + ".tmp");
        Files.writeString(aside, jar.toAbsolutePath() + "\n");
        Files.move(aside, directory.resolve(REQUEST), StandardCopyOption.ATOMIC_MOVE);
    }

    /** Why the platform refused the last upgrade asked for, or null. */
    static String refusal(Path directory) throws IOException {
        Path refused = directory.resolve(REFUSED);
        return Files.exists(refused) ? Files.readString(refused, UTF_8).strip() : null;
    }

    /** The live versions, oldest first. */
    List<String> versions() {
        List<String> versions = new ArrayList<>();
        live.forEach(d -> versions.add(d.version()));
        return versions;
    }
}
