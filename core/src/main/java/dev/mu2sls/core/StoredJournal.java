package dev.mu2sls.core;

import java.util.List;

/** A request's persisted journal: its entries in step order and the store keys of its chunks. */
record StoredJournal(List<JournalEntry> entries, List<byte[]> chunkKeys) {
    static final StoredJournal EMPTY = new StoredJournal(List.of(), List.of());
}
