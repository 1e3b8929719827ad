#!/usr/bin/env bash
# The inner loop: builds every module and runs every test not tagged "slow" (the property suites
# with hundreds of tries, PostgreSQL, child processes killed with kill -9). Under two minutes on a
# laptop. ./scripts/test.sh (what CI runs) still runs everything.
# Extra arguments go to Maven, e.g. -pl store -am, or -o to stay offline.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=jdk.sh
. "$root/scripts/jdk.sh"
find_jdk25
require_maven
cd "$root"
exec mvn -B -ntp install -DexcludedGroups=slow "$@"
