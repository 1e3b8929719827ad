#!/usr/bin/env bash
# The inner loop: builds every module and runs every test not tagged "slow" (the property suites
# with hundreds of tries, PostgreSQL, child processes killed with kill -9). Under two minutes on a
# laptop. ./scripts/test.sh (what CI runs) still runs everything.
# Extra arguments go to Maven, e.g. -pl store -am, or -o to stay offline.
set -euo pipefail
# shellcheck source=jdk.sh
. "$(dirname "${BASH_SOURCE[0]}")/jdk.sh"
enter_project
exec mvn -B -ntp install -DexcludedGroups=slow "$@"
