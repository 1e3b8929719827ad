#!/usr/bin/env bash
# Formats the Java sources with Spotless (palantir-java-format, configured in the parent pom).
#   scripts/format.sh          rewrite the sources in place
#   scripts/format.sh --check  list what is not formatted, change nothing (exit 1 if anything is)
# Extra arguments go to Maven, e.g. -pl core.
set -euo pipefail
# shellcheck source=jdk.sh
. "$(dirname "${BASH_SOURCE[0]}")/jdk.sh"
enter_project
goal=apply
if [ "${1:-}" = "--check" ]; then
  goal=check
  shift
fi
# the BOM has no sources and no parent: it is left out, unless the caller names the modules (-pl)
projects=(-pl '!bom')
case " $* " in *" -pl "*|*" --projects "*) projects=() ;; esac
exec mvn -B -ntp "spotless:$goal" "${projects[@]}" "$@"
