package dev.mu2sls.store;

class MemoryStoreTest extends StoreConformanceTest {
    @Override
    protected Store newStore() {
        return new MemoryStore();
    }
}
