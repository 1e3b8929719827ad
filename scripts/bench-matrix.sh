#!/usr/bin/env bash
# Runs ./mu2sls bench over workloads x concurrency x configs, side by side, REPEAT rounds with the
# configs interleaved (this machine is shared and noisy), then prints the median of each cell.
# Usage: scripts/bench-matrix.sh [seconds] [warmup]
#   env: WORKLOADS="W1 W2" CONCURRENCIES="1 64" CONFIGS="sequential unsafe exactly-once" REPEAT=3 STORE=memory
#        PLOT_DIR=dir  (draws dir/<workload>-<config>.png from the last round: throughput against
#                       concurrency and the latency CDFs, with bench --plot)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-5}"
warmup="${2:-2}"
repeat="${REPEAT:-3}"
concurrencies="$(echo ${CONCURRENCIES:-1 64} | tr ' ' ,)"
results="$(mktemp)"
trap 'rm -f "$results"' EXIT
[ -n "${PLOT_DIR:-}" ] && mkdir -p "$PLOT_DIR"
for round in $(seq 1 "$repeat"); do
  for workload in ${WORKLOADS:-W1 W2}; do
    for config in ${CONFIGS:-sequential unsafe exactly-once}; do
      plot=()
      if [ -n "${PLOT_DIR:-}" ] && [ "$round" = "$repeat" ]; then
        plot=(--plot "$PLOT_DIR/$workload-$config.png")
      fi
      # one bench per cell row: every concurrency in turn, each on a fresh platform and store
      "$root/mu2sls" bench --workload "$workload" --config "$config" --concurrency "$concurrencies" \
          --seconds "$seconds" --warmup "$warmup" --store "${STORE:-memory}" "${plot[@]}" 2>/dev/null |
        awk '/^store transactions\/request=/ { split($2, t, "="); tx = t[2] }
             /^store syncs\/request=/ { split($2, y, "="); syncs = y[2] }
             /^mu2sls W/ { print $0 " tx/req=" tx " syncs/req=" (syncs == "" ? 0 : syncs); syncs = "" }' |
        while read -r line; do
          echo "round $round: $line" >&2
          echo "$line" >> "$results"
        done
    done
  done
done
echo "median of ${REPEAT:-3} rounds, store ${STORE:-memory} (system workload config c rps p50_ms p99_ms tx/req syncs/req):"
awk '{ key=$2" "$3" "$4; split($5,a,"="); split($6,b,"="); split($7,c,"="); split($9,t,"="); split($10,y,"=");
       n[key]++; rps[key,n[key]]=a[2]; p50[key,n[key]]=b[2]; p99[key,n[key]]=c[2]; tx[key]=t[2]; sy[key]=y[2];
       if (!(key in order)) { order[key]=++keys; names[keys]=key } }
     function median(arr, k, m,   i, j, v, tmp) {
       for (i=1;i<=m;i++) v[i]=arr[k,i]
       for (i=1;i<=m;i++) for (j=i+1;j<=m;j++) if (v[j]+0 < v[i]+0) { tmp=v[i]; v[i]=v[j]; v[j]=tmp }
       return v[int((m+1)/2)] }
     END { for (i=1;i<=keys;i++) { k=names[i]; m=n[k];
       printf "mu2sls %s rps=%.1f p50_ms=%.3f p99_ms=%.3f tx/req=%s syncs/req=%s\n", k, median(rps,k,m), median(p50,k,m), median(p99,k,m), tx[k], sy[k] } }' "$results"
