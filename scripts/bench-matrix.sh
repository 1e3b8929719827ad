#!/usr/bin/env bash
# Runs ./mu2sls bench over workloads x configs x concurrency, side by side in one run, and prints
# each result line plus the engine's store counts. Usage: scripts/bench-matrix.sh [seconds] [warmup]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-5}"
warmup="${2:-2}"
workloads="${WORKLOADS:-W1 W2}"
configs="${CONFIGS:-sequential unsafe exactly-once}"
concurrencies="${CONCURRENCIES:-1 64}"
for workload in $workloads; do
  for c in $concurrencies; do
    for config in $configs; do
      out=$("$root/mu2sls" bench --workload "$workload" --config "$config" --concurrency "$c" \
            --seconds "$seconds" --warmup "$warmup" 2>/dev/null)
      counts=$(echo "$out" | grep '^store transactions' || true)
      echo "$(echo "$out" | tail -n 1)   [$counts]"
    done
  done
done
