package dev.mu2sls.core;

import dev.mu2sls.store.KeyValue;
import java.util.ArrayList;
import java.util.List;

/** What the store holds of a request when an execution starts: its recorded response, or its journal. */
sealed interface LoadedRequest permits LoadedRequest.Recorded, StoredJournal {

    /** The request completed: every delivery gets {@code response} (G1). */
    record Recorded(Response response) implements LoadedRequest {}

    /**
     * Loads the request of {@code invocation} (whose digest is {@code digest}) and tells the
     * delivery's {@code stamp} which record it found. The journal is read in a transaction with
     * the request record: a scan outside one could see a completion's deletions half applied and
     * return a journal with a hole.
     *
     * @throws dev.mu2sls.InvalidRequestException if the id belongs to another request
     * @throws IllegalStateException if the store lost journal chunks
     */
    static LoadedRequest load(EngineStore store, Invocation invocation, byte[] digest, DeliveryStamp stamp) {
        String requestId = invocation.requestId();
        byte[] requestKey = KeySpace.request(requestId);
        RequestRecord record = RequestRecord.decode(requestKey, store.read(requestKey));
        if (record == null || record instanceof RequestRecord.Running running && running.journalLength() == 0) {
            if (record != null && !record.isFor(digest)) {
                throw Fence.reusedId(invocation);
            }
            stamp.loaded(null, null);
            return StoredJournal.EMPTY;
        }
        // Read in a transaction: a durable store's commit waits until what it read is durable, so
        // a duplicate is never answered with a response a crash could still lose.
        Read read = store.transact(tx -> {
            byte[] currentBytes = tx.get(requestKey);
            RequestRecord current = RequestRecord.decode(requestKey, currentBytes);
            if (current != null && !current.isFor(digest)) {
                throw Fence.reusedId(invocation);
            }
            if (current instanceof RequestRecord.Completed completed) {
                return new Read(new Recorded(completed.response()), null, null, null);
            }
            List<KeyValue> chunks =
                    tx.scan(KeySpace.journalPrefix(requestId), KeySpace.journalEnd(requestId), Integer.MAX_VALUE);
            List<JournalEntry> entries = new ArrayList<>();
            List<byte[]> chunkKeys = new ArrayList<>(chunks.size());
            for (KeyValue chunk : chunks) {
                JournalCodec.decodeInto(chunk.key(), chunk.value(), entries);
                chunkKeys.add(chunk.key());
            }
            int expected = current == null ? 0 : ((RequestRecord.Running) current).journalLength();
            // Reads before commit may be inconsistent; only a committed (validated) mismatch is real.
            return entries.size() == expected
                    ? new Read(new StoredJournal(entries, chunkKeys), null, currentBytes, current)
                    : new Read(
                            null,
                            "request " + requestId + " has " + entries.size() + " journaled steps but its record says "
                                    + expected + "; the store lost journal chunks",
                            null,
                            null);
        });
        if (read.lostChunks() != null) {
            throw new IllegalStateException(read.lostChunks());
        }
        stamp.loaded(read.recordBytes(), read.record());
        return read.loaded();
    }

    /**
     * What a loading transaction found, with the request record as stored; a journal found short
     * is reported once its commit validated it.
     */
    record Read(LoadedRequest loaded, String lostChunks, byte[] recordBytes, RequestRecord record) {}
}
