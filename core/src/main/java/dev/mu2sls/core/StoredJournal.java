package dev.mu2sls.core;

import java.util.List;

/** A request's persisted journal: its entries in step order and the store keys of its chunks. */
record StoredJournal(List<JournalEntry> entries, List<byte[]> chunkKeys) implements LoadedRequest {
    static final StoredJournal EMPTY = new StoredJournal(List.of(), List.of());

    /**
     * A first delivery's journal, taken to be empty without reading the request record: the
     * record is inserted by the first persisting transaction, which fails if another execution
     * got there first, and is checked before a call leaves (see {@code Execution}).
     */
    static final StoredJournal UNCHECKED = new StoredJournal(List.of(), List.of());
}
