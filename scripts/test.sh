#!/usr/bin/env bash
# Runs the whole test suite: every module's unit, property and integration tests.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=jdk.sh
. "$root/scripts/jdk.sh"
find_jdk25
require_maven
cd "$root"
exec mvn -B -ntp install "$@"
