package dev.mu2sls.store;

/**
 * Counters of a store since it was opened.
 *
 * @param commits transactions committed (read-write and read-only)
 * @param conflicts commits refused because of a concurrent writer
 * @param reads point reads and scans outside transactions
 * @param syncs durable syncs: RocksDB WAL syncs, PostgreSQL database commits (one per batch); 0 for
 *        stores that do not sync
 */
public record StoreStats(long commits, long conflicts, long reads, long syncs) {
    /** The difference {@code this - earlier}. */
    public StoreStats minus(StoreStats earlier) {
        return new StoreStats(
                commits - earlier.commits, conflicts - earlier.conflicts, reads - earlier.reads, syncs - earlier.syncs);
    }
}
