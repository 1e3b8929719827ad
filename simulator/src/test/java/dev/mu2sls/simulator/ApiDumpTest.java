package dev.mu2sls.simulator;

import dev.mu2sls.apidump.ApiDumpCheck;

/** {@code mu2sls-simulator}'s public API against {@code api/api.txt}. */
class ApiDumpTest extends ApiDumpCheck {}
