#!/usr/bin/env bash
# Runs ./mu2sls bench-http over workloads x configs x concurrencies against the local platform
# (./mu2sls up, one local PostgreSQL per up), then prints every result line (the median of REPEAT
# rounds per cell when REPEAT > 1).
# Usage: scripts/bench-http.sh [seconds] [warmup]
#   env: WORKLOADS="W1 W2 W5" CONFIGS="exactly-once full" CONCURRENCIES="1 16 64" REPEAT=1
#        INSTANCES=1  (instances per service: fixed, so that no JVM starts or retires mid-measurement;
#                      INSTANCES=1-4 gives up's autoscaling between 1 and 4)
#        INSTANCE_JVM_OPTIONS="-XX:+UseSerialGC -Xmx512m"  (full JIT; up's default stops at C1 for fast starts)
#        UP_OPTIONS="..." (more options for up), BENCH_OPTIONS="..." (more options for bench-http)
#        FIRST_WARMUP=90 (seconds of load at the highest concurrency after each up, unmeasured: the JVMs
#                         start cold, and with three of them on 2 cores C2 compiles for about a minute)
#        MU2SLS=./mu2sls (the command to run; the launcher builds the jar when sources changed)
# For each workload and config it starts `up <app> --mode <config>` (W1 counter, W2 chain,
# W5 travel; W3 tree, W4 media, W5-hot travel, W6 bank also work), waits until it is ready,
# runs bench-http at each concurrency (the workload's set-up requests once, before the first),
# and stops it with `down`. Logs of each up go to $LOGS (default: a temporary directory, kept).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mu2sls="${MU2SLS:-$root/mu2sls}"
seconds="${1:-10}"
warmup="${2:-3}"
repeat="${REPEAT:-1}"
instances="${INSTANCES:-1}"
min="${instances%-*}"
max="${instances#*-}"
logs="${LOGS:-$(mktemp -d -t mu2sls-bench-http.XXXXXX)}"
mkdir -p "$logs"
results="$logs/results.txt"
: > "$results"

app_of() {
  case "$1" in
    W1) echo counter ;; W2) echo chain ;; W3) echo tree ;; W4) echo media ;; W5|W5-hot) echo travel ;; W6) echo bank ;;
    *) echo "bench-http.sh: unknown workload $1" >&2; exit 2 ;;
  esac
}

up_pid=""
state=""
stop_up() {
  if [ -n "$up_pid" ] && kill -0 "$up_pid" 2>/dev/null; then
    $mu2sls down --state-dir "$state" >&2 || kill "$up_pid"
    wait "$up_pid" 2>/dev/null || true
  fi
  up_pid=""
}
trap stop_up EXIT
trap 'stop_up; exit 130' INT TERM

# build once up front (the launcher rebuilds when sources changed) so that no cell pays for it
$mu2sls --version >/dev/null

for round in $(seq 1 "$repeat"); do
  for workload in ${WORKLOADS:-W1 W2 W5}; do
    app="$(app_of "$workload")"
    for config in ${CONFIGS:-exactly-once full}; do
      state="$logs/state-$workload-$config-$round"
      rm -rf "$state"; mkdir -p "$state"
      # shellcheck disable=SC2086
      $mu2sls up "$app" --mode "$config" --port 0 --state-dir "$state" \
          --min-instances "$min" --max-instances "$max" \
          "--instance-jvm-options=${INSTANCE_JVM_OPTIONS:--XX:+UseSerialGC -Xmx512m}" ${UP_OPTIONS:-} \
          > "$state/up.log" 2>&1 &
      up_pid=$!
      waited=0
      until [ -f "$state/state.json" ]; do
        if ! kill -0 "$up_pid" 2>/dev/null; then
          echo "bench-http.sh: up $app --mode $config failed:" >&2; tail -n 20 "$state/up.log" >&2; exit 1
        fi
        if [ "$waited" -ge 600 ]; then
          echo "bench-http.sh: up $app not ready after 300 s; see $state" >&2; exit 1
        fi
        sleep 0.5; waited=$((waited + 1))
      done
      echo "round $round: $(grep '^mu2sls up:' "$state/up.log")" >&2
      concurrencies="${CONCURRENCIES:-1 16 64}"
      highest=$(echo "$concurrencies" | tr ' ' '\n' | sort -n | tail -n 1)
      echo "round $round: warming up $app for ${FIRST_WARMUP:-90} s at c=$highest" >&2
      # shellcheck disable=SC2086
      $mu2sls bench-http --state-dir "$state" --workload "$workload" --concurrency "$highest" \
          --seconds 1 --warmup "${FIRST_WARMUP:-90}" ${BENCH_OPTIONS:-} >> "$state/bench-http.log" 2>&1 \
        || { echo "bench-http.sh: warm-up of $workload $config failed; see $state/bench-http.log" >&2; exit 1; }
      for c in $concurrencies; do
        # shellcheck disable=SC2086
        out=$($mu2sls bench-http --state-dir "$state" --workload "$workload" \
              --concurrency "$c" --seconds "$seconds" --warmup "$warmup" --skip-setup ${BENCH_OPTIONS:-} 2>>"$state/bench-http.log") || true
        echo "$out" >> "$state/bench-http.log"
        line=$(echo "$out" | tail -n 1)
        case "$line" in
          "mu2sls $workload $config c=$c "*) ;; # the config is the mode the gateway reports
          *) echo "bench-http.sh: no result line for $workload $config c=$c from bench-http; see $state/bench-http.log" >&2; exit 1 ;;
        esac
        echo "round $round: $line" >&2
        echo "$line" >> "$results"
      done
      stop_up
    done
  done
done

if [ "$repeat" -gt 1 ]; then
  echo "median of $repeat rounds over HTTP, local platform on PostgreSQL, ${seconds} s after ${warmup} s warm-up, instances $instances (logs: $logs):"
  awk '{ key=$2" "$3" "$4; split($5,a,"="); split($6,b,"="); split($7,c,"="); split($8,e,"=");
         n[key]++; rps[key,n[key]]=a[2]; p50[key,n[key]]=b[2]; p99[key,n[key]]=c[2]; err[key]+=e[2];
         if (!(key in order)) { order[key]=++keys; names[keys]=key } }
       function median(arr, k, m,   i, j, v, tmp) {
         for (i=1;i<=m;i++) v[i]=arr[k,i]
         for (i=1;i<=m;i++) for (j=i+1;j<=m;j++) if (v[j]+0 < v[i]+0) { tmp=v[i]; v[i]=v[j]; v[j]=tmp }
         return v[int((m+1)/2)] }
       END { for (i=1;i<=keys;i++) { k=names[i]; m=n[k];
         printf "mu2sls %s rps=%.1f p50_ms=%.3f p99_ms=%.3f errors=%d\n", k, median(rps,k,m), median(p50,k,m), median(p99,k,m), err[k] } }' "$results"
else
  echo "over HTTP, local platform on PostgreSQL, ${seconds} s after ${warmup} s warm-up, instances $instances (logs: $logs):"
  cat "$results"
fi
