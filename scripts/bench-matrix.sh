#!/usr/bin/env bash
# Runs ./mu2sls bench over workloads x concurrency x configs, side by side, REPEAT rounds with the
# configs interleaved (this machine is shared and noisy), then prints the median of each cell.
# Usage: scripts/bench-matrix.sh [seconds] [warmup]
#   env: WORKLOADS="W1 W2" CONCURRENCIES="1 64" CONFIGS="sequential unsafe exactly-once" REPEAT=3 STORE=memory
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-5}"
warmup="${2:-2}"
results="$(mktemp)"
trap 'rm -f "$results"' EXIT
for round in $(seq 1 "${REPEAT:-3}"); do
  for workload in ${WORKLOADS:-W1 W2}; do
    for c in ${CONCURRENCIES:-1 64}; do
      for config in ${CONFIGS:-sequential unsafe exactly-once}; do
        out=$("$root/mu2sls" bench --workload "$workload" --config "$config" --concurrency "$c" \
              --seconds "$seconds" --warmup "$warmup" --store "${STORE:-memory}" 2>/dev/null)
        tx=$(echo "$out" | sed -n 's/^store transactions\/request=\([0-9.]*\).*/\1/p')
        syncs=$(echo "$out" | sed -n 's/^store syncs\/request=\([0-9.]*\).*/\1/p')
        line=$(echo "$out" | tail -n 1)
        echo "round $round: $line tx/req=$tx syncs/req=${syncs:-0}" >&2
        echo "$line tx/req=$tx syncs/req=${syncs:-0}" >> "$results"
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
