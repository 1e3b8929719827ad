package dev.mu2sls.lambda;

import dev.mu2sls.apidump.ApiDumpCheck;

/** {@code mu2sls-runtime-lambda}'s public API against {@code api/api.txt}. */
class ApiDumpTest extends ApiDumpCheck {}
