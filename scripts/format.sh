#!/usr/bin/env bash
# Formats the Java sources with Spotless (palantir-java-format, configured in the parent pom).
#   scripts/format.sh          rewrite the sources in place
#   scripts/format.sh --check  list what is not formatted, change nothing (exit 1 if anything is)
# Extra arguments go to Maven, e.g. -pl core.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=jdk.sh
. "$root/scripts/jdk.sh"
find_jdk25
require_maven
cd "$root"
goal=apply
if [ "${1:-}" = "--check" ]; then
  goal=check
  shift
fi
exec mvn -B -ntp "spotless:$goal" "$@"
