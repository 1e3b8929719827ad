package dev.mu2sls.store.rocksdb;

import dev.mu2sls.store.Store;
import dev.mu2sls.store.StoreConformanceTest;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole conformance suite again, with room for 4 recent values in 2 KiB: eviction at nearly every
 * commit, and values over 128 bytes never kept.
 */
class RocksStoreEvictingTest extends StoreConformanceTest {
    @TempDir
    Path directory;

    @Override
    protected Store newStore() {
        return RocksStore.open(directory.resolve("store"), true, 4, 2048);
    }

    @Override
    protected Store reopen(Store store) {
        store.close();
        return newStore();
    }
}
