package dev.mu2sls.store.postgres;

import dev.mu2sls.apidump.ApiDumpCheck;

/** {@code mu2sls-store-postgres}'s public API against {@code api/api.txt}. */
class ApiDumpTest extends ApiDumpCheck {}
