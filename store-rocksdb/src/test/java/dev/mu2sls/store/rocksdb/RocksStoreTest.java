package dev.mu2sls.store.rocksdb;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mu2sls.store.Store;
import dev.mu2sls.store.StoreConformanceTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RocksStoreTest extends StoreConformanceTest {
    @TempDir
    Path directory;

    @Override
    protected Store newStore() {
        return RocksStore.open(directory.resolve("store"), true);
    }

    @Override
    protected Store reopen(Store store) {
        store.close();
        return newStore();
    }

    @Test
    void directoryHeldByAnotherStore_isRejectedWithAClearError() {
        assertThatThrownBy(() -> RocksStore.open(directory.resolve("store"), true))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is in use by another process");
    }

    @Test
    void directoryWithOtherFiles_isRejectedWithAClearError() throws IOException {
        Path other = Files.createDirectories(directory.resolve("other"));
        Files.writeString(other.resolve("notes.txt"), "not a store");
        assertThatThrownBy(() -> RocksStore.open(other, true))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is not a mu2sls store");
    }

    @Test
    void concurrentCommits_shareSyncs() throws Exception {
        long before = store.stats().syncs();
        Thread[] writers = new Thread[16];
        for (int t = 0; t < writers.length; t++) {
            int writer = t;
            writers[t] = Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 50; i++) {
                    byte[] key = ("w" + writer + "-" + i).getBytes(UTF_8);
                    store.run(tx -> {
                        tx.put(key, key);
                        return null;
                    });
                }
            });
        }
        for (Thread writer : writers) {
            writer.join();
        }
        long syncs = store.stats().syncs() - before;
        assertThat(syncs).isPositive().isLessThanOrEqualTo(16 * 50);
        assertThat(store.scan("w".getBytes(UTF_8), "x".getBytes(UTF_8), 10_000)).hasSize(16 * 50);
    }
}
