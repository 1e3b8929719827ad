#!/usr/bin/env bash
# Compares two builds of mu2sls in-process, side by side: ROUNDS rounds, each running every
# workload on build A then build B (interleaved, because this machine is shared and noisy), then
# prints the median req/s and store transactions per request of each, and B's ratio to A.
# Usage: scripts/bench-ab.sh <checkout A> <checkout B> [seconds] [warmup]
#   env: WORKLOADS="W1 W5" STORE=memory CONFIG=exactly-once CONCURRENCY=64 ROUNDS=5
#        A_ARGS, B_ARGS: more bench options for one side (e.g. B_ARGS=--no-telemetry, which an older
#        build without telemetry does not know)
# Each checkout's ./mu2sls launcher builds its own jar first if its sources changed.
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: scripts/bench-ab.sh <checkout A> <checkout B> [seconds] [warmup]" >&2
  exit 2
fi
a="$(cd "$1" && pwd)"
b="$(cd "$2" && pwd)"
seconds="${3:-10}"
warmup="${4:-3}"
rounds="${ROUNDS:-5}"
results="$(mktemp)"
trap 'rm -f "$results"' EXIT

run() { # build workload extra-options: prints "rps tx/req"
  # shellcheck disable=SC2086
  "$1/mu2sls" bench $3 --workload "$2" --config "${CONFIG:-exactly-once}" --concurrency "${CONCURRENCY:-64}" \
      --seconds "$seconds" --warmup "$warmup" --store "${STORE:-memory}" 2>/dev/null |
    awk '/^store transactions\/request=/ { split($2, t, "="); tx = t[2] }
         /^mu2sls W/ { split($5, r, "="); rps = r[2] }
         END { print rps, tx }'
}

for round in $(seq 1 "$rounds"); do
  for workload in ${WORKLOADS:-W1 W5}; do
    for side in A B; do
      dir="$a"; extra="${A_ARGS:-}"
      [ "$side" = B ] && { dir="$b"; extra="${B_ARGS:-}"; }
      read -r rps tx < <(run "$dir" "$workload" "$extra")
      echo "round $round/$rounds: $workload $side rps=$rps tx/req=$tx" >&2
      echo "$workload $side $rps $tx" >> "$results"
    done
  done
done

echo "median of $rounds rounds, store ${STORE:-memory}, ${CONFIG:-exactly-once}, c=${CONCURRENCY:-64}"
echo "A=$a ${A_ARGS:-}"
echo "B=$b ${B_ARGS:-}"
awk '{ key=$1" "$2; n[key]++; rps[key,n[key]]=$3; tx[key]=$4; if (!($1 in seen)) { seen[$1]=1; order[++w]=$1 } }
     function median(k, m,   i, j, v, t) {
       for (i=1;i<=m;i++) v[i]=rps[k,i]
       for (i=1;i<=m;i++) for (j=i+1;j<=m;j++) if (v[j]+0 < v[i]+0) { t=v[i]; v[i]=v[j]; v[j]=t }
       return (m % 2) ? v[(m+1)/2] : (v[m/2] + v[m/2+1]) / 2 }
     END { for (i=1;i<=w;i++) { x=order[i]; ma=median(x" A", n[x" A"]); mb=median(x" B", n[x" B"]);
       printf "%s A rps=%.0f tx/req=%s | B rps=%.0f tx/req=%s | B/A=%.3f\n", x, ma, tx[x" A"], mb, tx[x" B"], mb/ma } }' "$results"
