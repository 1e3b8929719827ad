#!/usr/bin/env bash
# Code metrics of issue 18's "before and after", reproducibly: the five largest hand-written files
# in main sources, and public types per module (public top-level and nested type declarations in
# src/main, of all declared types). Reads files only.
# Usage: scripts/code-metrics.sh [checkout]   (default: this checkout)
set -euo pipefail
root="${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
cd "$root"

# main sources of every module, never generated ones (target/ holds the processor's output)
main_sources() {
  find . -path ./.git -prune -o -path '*/target' -prune -o -path '*/src/main/java/*' -name '*.java' -print | sort
}

echo "## Five largest hand-written files in main sources (lines)"
echo
echo "| lines | file |"
echo "|---:|---|"
main_sources | xargs wc -l | grep -v ' total$' | sort -rn | head -5 | while read -r lines file; do
  echo "| $lines | ${file#./} |"
done

# A type declaration: modifiers, then class/interface/enum/record/@interface and a capitalized name.
declaration='^[[:space:]]*((public|protected|private|static|final|abstract|sealed|non-sealed|strictfp)[[:space:]]+)*(class|interface|enum|record|@interface)[[:space:]]+[A-Z]'
public_declaration='^[[:space:]]*((protected|private|static|final|abstract|sealed|non-sealed|strictfp)[[:space:]]+)*public[[:space:]]+((static|final|abstract|sealed|non-sealed|strictfp)[[:space:]]+)*(class|interface|enum|record|@interface)[[:space:]]+[A-Z]'

echo
echo "## Public types per module (src/main)"
echo
echo "| module | public types | all types |"
echo "|---|---:|---:|"
total_public=0
total_all=0
for pom in */pom.xml; do
  module="${pom%/pom.xml}"
  [ -d "$module/src/main/java" ] || continue
  files=$(find "$module/src/main/java" -name '*.java')
  public=$(cat $files | grep -cE "$public_declaration" || true)
  all=$(cat $files | grep -cE "$declaration" || true)
  total_public=$((total_public + public))
  total_all=$((total_all + all))
  echo "| $module | $public | $all |"
done
echo "| **total** | **$total_public** | **$total_all** |"
