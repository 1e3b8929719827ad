package dev.mu2sls.http;

import dev.mu2sls.apidump.ApiDumpCheck;

/** {@code mu2sls-runtime-http}'s public API against {@code api/api.txt}. */
class ApiDumpTest extends ApiDumpCheck {}
