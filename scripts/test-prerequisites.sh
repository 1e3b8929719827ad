#!/usr/bin/env bash
# What the test suite needs beyond the JDK and Maven: Debian's chromium, for the web console's
# browser test (ConsoleBrowserTest). Installed when missing and this runs as root with apt-get;
# otherwise it says so and the test reports itself skipped with the reason. (PostgreSQL needs
# nothing here: the tests take it from Maven Central's embedded-postgres binaries.)
set -uo pipefail
if [ -n "${MU2SLS_CHROMIUM:-}" ] || command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "test prerequisites: chromium is missing and cannot be installed here (needs root and apt-get);" \
    "the console's browser test will be skipped" >&2
  exit 0
fi
echo "test prerequisites: installing Debian's chromium for the console's browser test..." >&2
if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >/tmp/mu2sls-chromium-install.log 2>&1; then
  echo "test prerequisites: installing chromium failed (see /tmp/mu2sls-chromium-install.log);" \
    "the console's browser test will be skipped" >&2
fi
exit 0
