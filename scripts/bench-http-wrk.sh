#!/usr/bin/env bash
# Drives a counter-shaped workload over HTTP with wrk (Debian package wrk) instead of bench-http's
# Java load generator, whose CPU competes with the platform on a small machine, and reports each
# window in the format of ./mu2sls bench plus the CPU per request of gateway, functions and PostgreSQL.
# Usage: scripts/bench-http-wrk.sh [W1|W2] [mode] [concurrency] [warmup-seconds] [window-seconds] [windows]
#   defaults: W1 exactly-once 64 90 20 3; env MU2SLS=./mu2sls (the command to run),
#   INSTANCES=1 (instances per service, fixed)
# W1 posts Counter.add and W2 Caller1.add (the chain) with a random key of 1000 and delta 1..10; the
# gateway gives each request a fresh id. One `up` with INSTANCES instances per service and full JIT, an
# unmeasured warm-up, the windows, `down`. Non-2xx answers and socket errors count as errors.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mu2sls="${MU2SLS:-$root/mu2sls}"
workload="${1:-W1}"; mode="${2:-exactly-once}"; clients="${3:-64}"; warmup="${4:-90}"; window="${5:-20}"; windows="${6:-3}"
instances="${INSTANCES:-1}"
case "$workload" in
  W1) app=counter; service=Counter ;;
  W2) app=chain; service=Caller1 ;;
  *) echo "bench-http-wrk.sh: W1 or W2, got $workload (use scripts/bench-http.sh for the others)" >&2; exit 2 ;;
esac
command -v wrk >/dev/null || { echo "bench-http-wrk.sh: wrk is not installed (Debian: apt-get install wrk)" >&2; exit 2; }
work="$(mktemp -d -t mu2sls-bench-wrk.XXXXXX)"
cat > "$work/request.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  return wrk.format(nil, "/call/$service/add", nil, '["k' .. math.random(0, 999) .. '",' .. math.random(1, 10) .. ']')
end
LUA
$mu2sls up "$app" --mode "$mode" --port 0 --state-dir "$work" --min-instances "$instances" --max-instances "$instances" \
    "--instance-jvm-options=-XX:+UseSerialGC -Xmx512m" > "$work/up.log" 2>&1 &
up_pid=$!
trap '$mu2sls down --state-dir "$work" >/dev/null 2>&1 || kill $up_pid 2>/dev/null || true' EXIT
until [ -f "$work/state.json" ]; do
  kill -0 "$up_pid" 2>/dev/null || { echo "bench-http-wrk.sh: up failed:" >&2; tail -n 20 "$work/up.log" >&2; exit 1; }
  sleep 0.5
done
gateway="$(grep -o '"gateway" : "[^"]*' "$work/state.json" | cut -d'"' -f4)"
gateway_pid="$(pgrep -f "gateway --app $app .*$work")"
function_pids="$(pgrep -f "function --app $app .*$work" | tr '\n' ' ')"
ticks() { for p in "$@"; do awk '{print $14 + $15}' "/proc/$p/stat"; done | awk '{s += $1} END {print s + 0}'; }
millis() { awk '{v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
                 f = (u == "us") ? 0.001 : (u == "s") ? 1000 : 1; printf "%.3f", v * f}'; }
echo "warming up $app ($mode) for $warmup s at c=$clients (logs: $work)" >&2
wrk -t2 -c"$clients" -d"${warmup}s" -s "$work/request.lua" "$gateway" > /dev/null
for w in $(seq 1 "$windows"); do
  postgres_pids="$(pgrep -x postgres | tr '\n' ' ')"
  g0=$(ticks $gateway_pid); f0=$(ticks $function_pids); p0=$(ticks $postgres_pids)
  wrk -t2 -c"$clients" -d"${window}s" --latency -s "$work/request.lua" "$gateway" > "$work/wrk-$w.txt"
  g1=$(ticks $gateway_pid); f1=$(ticks $function_pids); p1=$(ticks $postgres_pids)
  requests=$(awk '/requests in/ {print $1}' "$work/wrk-$w.txt")
  rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk-$w.txt")
  p50=$(grep -E '^ +50%' "$work/wrk-$w.txt" | millis); p99=$(grep -E '^ +99%' "$work/wrk-$w.txt" | millis)
  errors=$(awk '/Non-2xx/ {e += $NF} /Socket errors/ {gsub(/,/, ""); e += $4 + $6 + $8 + $10} END {print e + 0}' "$work/wrk-$w.txt")
  # CPU ticks are 10 ms: per request = ticks * 10000 us / requests
  per() { awk -v t="$1" -v n="$requests" 'BEGIN {printf "%d", t * 10000 / n}'; }
  echo "mu2sls $workload $mode c=$clients rps=$rps p50_ms=$p50 p99_ms=$p99 errors=$errors" \
       "cpu_us_per_request gateway=$(per $((g1 - g0))) functions=$(per $((f1 - f0))) postgres=$(per $((p1 - p0)))"
done
