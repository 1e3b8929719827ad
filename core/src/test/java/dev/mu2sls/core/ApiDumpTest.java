package dev.mu2sls.core;

import dev.mu2sls.apidump.ApiDumpCheck;

/** {@code mu2sls-core}'s public API against {@code api/api.txt}. */
class ApiDumpTest extends ApiDumpCheck {}
