package dev.mu2sls.core;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.BiPredicate;

/**
 * Keeps a request on the application version that ran it while that version is alive (code
 * upgrades): an engine that is handed a request with a journal of another live version's refuses
 * it ({@link MisdirectedRequestException}) before running anything. The version is read from the
 * request's acceptance record, or, while it sleeps, from its timer: only when a journal is loaded
 * from the store (a re-drive, a client's retry, a duplicate that got further), never for a fresh
 * request nor a replay of the execution's own segments, and only where other versions may be alive.
 */
final class VersionPins {
    /** No other version is ever alive: no check. */
    static final BiPredicate<String, String> NONE = (service, version) -> false;

    private final EngineStore store;
    private final String version;
    private final BiPredicate<String, String> alive;

    VersionPins(EngineStore store, String version, BiPredicate<String, String> alive) {
        this.store = store;
        this.version = version;
        this.alive = alive;
    }

    /**
     * {@code loaded}, a request as read from the store, if this version may run it: it is
     * recorded, or its journal is empty or was not written by another version kept alive.
     *
     * @throws MisdirectedRequestException if another version, kept for the request's service, ran it
     */
    LoadedRequest checked(Invocation invocation, LoadedRequest loaded) {
        if (alive == NONE
                || version == null
                || !(loaded instanceof StoredJournal journal)
                || journal.entries().isEmpty()) {
            return loaded;
        }
        String ranBy = ranBy(invocation.requestId(), journal.entries());
        if (ranBy != null && !ranBy.equals(version) && alive.test(invocation.service(), ranBy)) {
            throw new MisdirectedRequestException(invocation.requestId(), ranBy, version);
        }
        return loaded;
    }

    /** The version its acceptance record names, else the one its timer names (it sleeps), else null. */
    private String ranBy(String requestId, List<JournalEntry> entries) {
        byte[] acceptedKey = KeySpace.accepted(requestId);
        byte[] accepted = store.read(acceptedKey);
        if (accepted != null) {
            return Invocation.decode(acceptedKey, accepted).version();
        }
        for (JournalEntry entry : entries.reversed()) {
            if (entry.op() == JournalEntry.Op.SLEEP) {
                byte[] timerKey = KeySpace.timer(ByteBuffer.wrap(entry.value()).getLong(), requestId);
                byte[] timer = store.read(timerKey);
                return timer == null ? null : Invocation.decode(timerKey, timer).version();
            }
        }
        return null;
    }
}
