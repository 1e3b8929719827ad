package dev.mu2sls.store.rocksdb;

import dev.mu2sls.apidump.ApiDumpCheck;

/** {@code mu2sls-store-rocksdb}'s public API against {@code api/api.txt}. */
class ApiDumpTest extends ApiDumpCheck {}
