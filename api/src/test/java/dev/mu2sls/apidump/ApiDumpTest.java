package dev.mu2sls.apidump;

/** {@code mu2sls-api}'s public API against {@code api/api.txt}. */
class ApiDumpTest extends ApiDumpCheck {}
