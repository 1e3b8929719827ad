package dev.mu2sls.http;

import java.net.URI;
import java.util.List;

/**
 * Chooses the instance for a call by the call's first argument, so that the requests for one key
 * (a counter, a hotel, an account: services take the key of the state they touch first) reach the
 * same instance and find its state cache current, where random routing makes every instance's
 * cache stale and the request replay. Rendezvous hashing: each instance scores the key, the
 * highest wins, and when an instance comes or goes only its own keys move.
 *
 * <p>Correctness never depends on it: any instance can run any request (the store decides), so a
 * call whose arguments are not an array, or whose instance just failed, goes elsewhere.
 */
final class KeyRouting {
    private KeyRouting() {}

    /**
     * The hash of the first element of a JSON array of arguments, as written (the same key always
     * hashes alike: arguments are encoded by one codec), or 0 when there is none to route by (no
     * arguments, an object keyed by parameter name, text that is not an array).
     */
    static long keyHash(byte[] arguments) {
        int start = skipWhitespace(arguments, 0);
        if (start >= arguments.length || arguments[start] != '[') {
            return 0;
        }
        start = skipWhitespace(arguments, start + 1);
        int end = endOfValue(arguments, start);
        if (end <= start) {
            return 0;
        }
        long hash = 0xcbf29ce484222325L; // FNV-1a, then mixed: cheap over a few bytes, spread by mix
        for (int i = start; i < end; i++) {
            hash = (hash ^ (arguments[i] & 0xff)) * 0x100000001b3L;
        }
        return hash == 0 ? 1 : hash;
    }

    /**
     * The instance of {@code instances} (not empty) with the highest score for {@code keyHash},
     * skipping {@code avoid} when another is there.
     */
    static URI choose(List<URI> instances, long keyHash, URI avoid) {
        URI best = null;
        long bestScore = 0;
        for (URI instance : instances) {
            if (instance.equals(avoid) && instances.size() > 1) {
                continue;
            }
            long score = mix(keyHash ^ mix(instance.hashCode()));
            if (best == null || Long.compareUnsigned(score, bestScore) > 0) {
                best = instance;
                bestScore = score;
            }
        }
        return best;
    }

    /** MurmurHash3's 64-bit finalizer. */
    private static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        return h ^ (h >>> 33);
    }

    private static int skipWhitespace(byte[] text, int from) {
        int i = from;
        while (i < text.length && (text[i] == ' ' || text[i] == '\n' || text[i] == '\r' || text[i] == '\t')) {
            i++;
        }
        return i;
    }

    /** The index after the JSON value starting at {@code start}, or {@code start} if there is none. */
    private static int endOfValue(byte[] text, int start) {
        int depth = 0;
        boolean inString = false;
        for (int i = start; i < text.length; i++) {
            byte b = text[i];
            if (inString) {
                if (b == '\\') {
                    i++;
                } else if (b == '"') {
                    inString = false;
                    if (depth == 0) {
                        return i + 1;
                    }
                }
            } else if (b == '"') {
                inString = true;
            } else if (b == '[' || b == '{') {
                depth++;
            } else if (b == ']' || b == '}') {
                if (depth == 0) {
                    return i; // the end of the arguments: a scalar ends here, an empty array has no value
                }
                if (--depth == 0) {
                    return i + 1;
                }
            } else if (depth == 0 && (b == ',' || b == ' ' || b == '\n' || b == '\r' || b == '\t')) {
                return i;
            }
        }
        return start;
    }
}
