package dev.mu2sls.platform.local;

import dev.mu2sls.apidump.ApiDumpCheck;

/** {@code mu2sls-platform-local}'s public API against {@code api/api.txt}. */
class ApiDumpTest extends ApiDumpCheck {}
