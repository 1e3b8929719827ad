package dev.mu2sls.json;

import dev.mu2sls.apidump.ApiDumpCheck;

/** {@code mu2sls-json}'s public API against {@code api/api.txt}. */
class ApiDumpTest extends ApiDumpCheck {}
