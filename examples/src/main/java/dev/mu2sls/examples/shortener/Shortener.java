package dev.mu2sls.examples.shortener;

import dev.mu2sls.Deterministic;
import dev.mu2sls.PersistentMap;
import dev.mu2sls.PersistentValue;
import dev.mu2sls.Service;
import dev.mu2sls.State;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.regex.Pattern;

/**
 * A URL shortener: generated short codes (base 62 of a counter) and custom aliases, resolved
 * with a visit count kept by {@link Analytics}.
 */
@Service
public class Shortener {
    public static final int MAX_URL_LENGTH = 2048;
    private static final String DIGITS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private static final Pattern ALIAS = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final PersistentMap<String, Link> links;
    private final PersistentMap<String, String> generatedCodes;
    private final PersistentValue<Long> lastId;
    private final AnalyticsClient analytics = new AnalyticsClient();

    public Shortener(State state) {
        links = state.map("links", String.class, Link.class);
        generatedCodes = state.map("generatedCodes", String.class, String.class);
        lastId = state.value("lastId", Long.class);
    }

    /**
     * Returns a short code for {@code url}: a new one, or the one generated for it before.
     *
     * @throws IllegalArgumentException if {@code url} is not an absolute http(s) URL of at most
     *     {@value #MAX_URL_LENGTH} characters
     */
    public String shorten(String url) {
        requireUrl(url);
        String existing = generatedCodes.get(url);
        if (existing != null) {
            return existing;
        }
        long id = lastId.getOrDefault(0L);
        String code;
        do {
            code = encode(++id);
        } while (links.contains(code)); // taken by a custom alias: skip it
        lastId.set(id);
        links.put(code, new Link(code, url, Deterministic.now(), false));
        generatedCodes.put(url, code);
        return code;
    }

    /**
     * Makes {@code alias} a short code for {@code url}.
     *
     * @return the alias
     * @throws IllegalArgumentException if the URL is invalid, the alias is not 1-64 letters,
     *     digits, '-' or '_', or the alias is already a code (custom or generated); then nothing
     *     has changed
     */
    public String alias(String url, String alias) {
        requireUrl(url);
        if (alias == null || !ALIAS.matcher(alias).matches()) {
            throw new IllegalArgumentException("alias must be 1-64 letters, digits, '-' or '_': '" + alias + "'");
        }
        Link taken = links.get(alias);
        if (taken != null) {
            throw new IllegalArgumentException(
                    "alias '" + alias + "' is already taken (it leads to " + taken.url() + "); choose another");
        }
        links.put(alias, new Link(alias, url, Deterministic.now(), true));
        return alias;
    }

    /**
     * Follows {@code code}: counts a visit and returns the URL.
     *
     * @throws IllegalArgumentException if the code is unknown (no visit is counted)
     */
    public String resolve(String code) {
        Link link = code == null ? null : links.get(code);
        if (link == null) {
            throw new IllegalArgumentException("unknown short code '" + code + "'");
        }
        analytics.visit(code);
        return link.url();
    }

    /** The link of {@code code}, or {@code null}; counts no visit. */
    public Link link(String code) {
        return code == null ? null : links.get(code);
    }

    private static void requireUrl(String url) {
        if (url == null || url.length() > MAX_URL_LENGTH) {
            throw new IllegalArgumentException("url must be at most " + MAX_URL_LENGTH + " characters: "
                    + (url == null ? "null" : url.length() + " characters"));
        }
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme();
            if (!("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme)) || uri.getHost() == null) {
                throw new IllegalArgumentException(
                        "url must be an absolute http or https URL with a host: '" + url + "'");
            }
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("url is malformed: " + e.getMessage(), e);
        }
    }

    private static String encode(long id) {
        StringBuilder code = new StringBuilder();
        for (long rest = id; rest > 0; rest /= DIGITS.length()) {
            code.append(DIGITS.charAt((int) (rest % DIGITS.length())));
        }
        return code.reverse().toString();
    }
}
