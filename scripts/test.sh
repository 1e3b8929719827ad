#!/usr/bin/env bash
# Runs the whole test suite: every module's unit, property and integration tests.
set -euo pipefail
# shellcheck source=jdk.sh
. "$(dirname "${BASH_SOURCE[0]}")/jdk.sh"
enter_project
./scripts/test-prerequisites.sh
exec mvn -B -ntp install "$@"
