package dev.mu2sls.testing;

import dev.mu2sls.apidump.ApiDumpCheck;

/** {@code mu2sls-testing}'s public API against {@code api/api.txt}. */
class ApiDumpTest extends ApiDumpCheck {}
