package dev.mu2sls.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Routes read from a JSON file {@code {"Service":["http://127.0.0.1:port", ...], ...}} that the
 * local platform rewrites atomically as instances start and die; re-read when it changes (checked
 * at most every 50 ms). A key {@code Service@version} ({@link #versioned}) lists the ready
 * instances of one application version the platform keeps (present while the version is kept,
 * even when none is ready), for {@link #instances(String, String)}; the plain key, the instances
 * new requests go to.
 */
public final class FileRoutes implements Routes {
    /** How long after the file changes a reader may still route by its old content. */
    public static final Duration STALE_AT_MOST = Duration.ofMillis(50);

    private static final long CHECK_NANOS = STALE_AT_MOST.toNanos();

    private final Path file;
    private volatile Map<String, List<URI>> routes = Map.of();
    /** {@code Service@version} to that version's instances. */
    private volatile Map<String, List<URI>> byVersion = Map.of();

    private volatile Object loadedVersion;
    private volatile long checkedAt;

    public FileRoutes(Path file) {
        this.file = file;
        refresh(true);
    }

    /** The key of {@code service}'s instances of application version {@code version} (a service name has no '@'). */
    public static String versioned(String service, String version) {
        return service + "@" + version;
    }

    /** Writes {@code routes} to {@code file} atomically (write aside, then rename). */
    public static void write(Path file, Map<String, List<URI>> routes) throws IOException {
        var node = Replies.JSON.createObjectNode();
        routes.forEach((service, uris) -> {
            var array = node.putArray(service);
            uris.forEach(uri -> array.add(uri.toString()));
        });
        Path aside = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(aside, node.toPrettyString());
        Files.move(aside, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public List<URI> instances(String service) {
        refresh(false);
        return routes.getOrDefault(service, List.of());
    }

    @Override
    public List<URI> instances(String service, String version) {
        if (version != null) {
            refresh(false);
            List<URI> pinned = byVersion.get(versioned(service, version));
            if (pinned != null) {
                return pinned; // while the version is kept, even if none of its instances is ready now
            }
        }
        return instances(service);
    }

    @Override
    public boolean keeps(String service, String version) {
        refresh(false);
        return byVersion.containsKey(versioned(service, version));
    }

    @Override
    public Set<String> services() {
        refresh(false);
        return routes.keySet();
    }

    private void refresh(boolean force) {
        long now = System.nanoTime();
        if (!force && now - checkedAt < CHECK_NANOS) {
            return;
        }
        checkedAt = now;
        try {
            // a rename installs a new inode, so (inode, mtime) changes with every write even when
            // two writes fall in the same coarse mtime tick
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            List<Object> version =
                    Arrays.asList(attributes.fileKey(), attributes.lastModifiedTime(), attributes.size());
            if (!force && version.equals(loadedVersion)) {
                return;
            }
            JsonNode node = Replies.JSON.readTree(Files.readAllBytes(file));
            Map<String, List<URI>> loaded = new LinkedHashMap<>();
            Map<String, List<URI>> loadedByVersion = new LinkedHashMap<>();
            node.properties().forEach(entry -> {
                List<URI> uris = new ArrayList<>();
                entry.getValue().forEach(uri -> uris.add(URI.create(uri.asText())));
                (entry.getKey().contains("@") ? loadedByVersion : loaded).put(entry.getKey(), List.copyOf(uris));
            });
            byVersion = Map.copyOf(loadedByVersion);
            routes = Map.copyOf(loaded);
            loadedVersion = version;
        } catch (NoSuchFileException e) {
            routes = Map.of();
            byVersion = Map.of();
        } catch (IOException e) {
            // a half-visible file cannot happen (atomic rename); keep the last routes and retry
        }
    }
}
