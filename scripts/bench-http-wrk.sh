#!/usr/bin/env bash
# Drives a workload over HTTP with wrk (Debian package wrk) instead of bench-http's Java load
# generator, whose CPU competes with the platform on a small machine, and reports each window in the
# format of ./mu2sls bench plus the CPU per request of gateway, functions and PostgreSQL and the
# PostgreSQL transactions (commits + rollbacks, from pg_stat_database) per request.
# Usage: scripts/bench-http-wrk.sh [W1|W2|W4|W5] [mode] [concurrency] [warmup-seconds] [window-seconds] [windows]
#   defaults: W1 exactly-once 64 90 20 3; env MU2SLS=./mu2sls (the command to run),
#   INSTANCES=1 (instances per service, fixed), COLOCATE=1 (every service in each process: up --colocate),
#   INSTANCE_JVM_OPTIONS="-XX:+UseSerialGC -Xmx512m" (the instances' JVM options, e.g. plus -Xlog:gc:file=...)
# W1 posts Counter.add and W2 Caller1.add (the chain) with a random key of 1000 and delta 1..10; W4
# MediaFrontend.compose (100 users and 1000 movies registered first, as in ./mu2sls bench); W5
# Frontend.book with users u1..u10000, flights f0..f99 and hotels h0..h99 opened first with capacity
# 10^9 (the distribution of the peers' harnesses in ../shared/peers). The gateway gives each request a
# fresh id. One `up` with INSTANCES instances per service and full JIT, the set-up requests, an
# unmeasured warm-up, the windows, `down`. Non-2xx answers and socket errors count as errors.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mu2sls="${MU2SLS:-$root/mu2sls}"
workload="${1:-W1}"; mode="${2:-exactly-once}"; clients="${3:-64}"; warmup="${4:-90}"; window="${5:-20}"; windows="${6:-3}"
instances="${INSTANCES:-1}"
colocate=(); [ "${COLOCATE:-0}" = 1 ] && colocate=(--colocate)
case "$workload" in
  W1) app=counter; path=/call/Counter/add; body='"[\"k" .. math.random(0, 999) .. "\"," .. math.random(1, 10) .. "]"' ;;
  W2) app=chain; path=/call/Caller1/add; body='"[\"k" .. math.random(0, 999) .. "\"," .. math.random(1, 10) .. "]"' ;;
  W4) app=media; path=/call/MediaFrontend/compose
      body='(function() local u = math.random(0, 99) return "[\"user" .. u .. "\",\"password" .. u .. "\",\"Movie "
            .. math.random(0, 999) .. "\"," .. math.random(0, 10) .. ",\"" .. string.rep("good ", math.random(1, 19)) .. "\"]" end)()' ;;
  W5) app=travel; path=/call/Frontend/book
      body='"[\"u" .. math.random(1, 10000) .. "\",\"f" .. math.random(0, 99) .. "\",\"h" .. math.random(0, 99) .. "\"]"' ;;
  *) echo "bench-http-wrk.sh: W1, W2, W4 or W5, got $workload (use scripts/bench-http.sh for the others)" >&2; exit 2 ;;
esac
command -v wrk >/dev/null || { echo "bench-http-wrk.sh: wrk is not installed (Debian: apt-get install wrk)" >&2; exit 2; }
command -v psql >/dev/null || { echo "bench-http-wrk.sh: psql is not installed (Debian: apt-get install postgresql-client)" >&2; exit 2; }
work="$(mktemp -d -t mu2sls-bench-wrk.XXXXXX)"
cat > "$work/request.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  return wrk.format(nil, "$path", nil, $body)
end
LUA
$mu2sls up "$app" --mode "$mode" --port 0 --state-dir "$work" --min-instances "$instances" --max-instances "$instances" "${colocate[@]}" \
    "--instance-jvm-options=${INSTANCE_JVM_OPTIONS:--XX:+UseSerialGC -Xmx512m}" > "$work/up.log" 2>&1 &
up_pid=$!
trap '$mu2sls down --state-dir "$work" >/dev/null 2>&1 || kill $up_pid 2>/dev/null || true' EXIT
until [ -f "$work/state.json" ]; do
  kill -0 "$up_pid" 2>/dev/null || { echo "bench-http-wrk.sh: up failed:" >&2; tail -n 20 "$work/up.log" >&2; exit 1; }
  sleep 0.5
done
gateway="$(grep -o '"gateway" : "[^"]*' "$work/state.json" | cut -d'"' -f4)"
gateway_pid="$(pgrep -f "gateway --app $app .*$work")"
# The local PostgreSQL that up started: its URL from state.json, its password from the owner-only
# file up writes for the admin commands (given to psql in the environment, never on a command line).
store_url="$(grep -o '"store" : "[^"]*' "$work/state.json" | cut -d'"' -f4)"
pg_host="$(sed -E 's#jdbc:postgresql://([^:/]+).*#\1#' <<<"$store_url")"
pg_port="$(sed -E 's#jdbc:postgresql://[^:/]+:([0-9]+).*#\1#' <<<"$store_url")"
pg_transactions() {
  PGPASSWORD="$(cat "$work/store-password")" psql -qtA -h "$pg_host" -p "$pg_port" -U postgres -d postgres \
      -c "select pg_stat_force_next_flush(); select sum(xact_commit), sum(xact_rollback) from pg_stat_database" | tail -n 1
}
post() { curl -sf -X POST -H 'Content-Type: application/json' --data "$2" "$gateway$1" > /dev/null; }
case "$workload" in
  W4) echo "registering 100 users and 1000 movies" >&2
      for u in $(seq 0 99); do post /call/User/register "[\"user$u\",\"First$u\",\"Last$u\",\"password$u\"]"; done
      for m in $(seq 0 999); do post /call/MovieId/register "[\"Movie $m\",\"tt$m\"]"; done ;;
  W5) echo "opening 100 hotels and 100 flights with capacity 10^9" >&2
      for i in $(seq 0 99); do post /call/Hotel/open "[\"h$i\",1000000000]"; post /call/Flight/open "[\"f$i\",1000000000]"; done ;;
esac
function_pids="$(pgrep -f "function --app $app .*$work" | tr '\n' ' ')"
# a process that exited since it was listed (a PostgreSQL backend) counts no more
ticks() { for p in "$@"; do awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || true; done | awk '{s += $1} END {print s + 0}'; }
millis() { awk '{v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
                 f = (u == "us") ? 0.001 : (u == "s") ? 1000 : 1; printf "%.3f", v * f}'; }
echo "warming up $app ($mode) for $warmup s at c=$clients (logs: $work)" >&2
threads=$(( clients < 2 ? clients : 2 )) # wrk needs a connection per thread
wrk -t"$threads" -c"$clients" -d"${warmup}s" -s "$work/request.lua" "$gateway" > /dev/null
sleep 11 # the warm-up's transactions published before the first window counts from them
for w in $(seq 1 "$windows"); do
  postgres_pids="$(pgrep -x postgres | tr '\n' ' ')"
  g0=$(ticks $gateway_pid); f0=$(ticks $function_pids); p0=$(ticks $postgres_pids); x0=$(pg_transactions)
  wrk -t"$threads" -c"$clients" -d"${window}s" --latency -s "$work/request.lua" "$gateway" > "$work/wrk-$w.txt"
  g1=$(ticks $gateway_pid); f1=$(ticks $function_pids); p1=$(ticks $postgres_pids)
  sleep 11 # idle backends publish their transaction counts within PostgreSQL's 10 s idle interval
  x1=$(pg_transactions)
  requests=$(awk '/requests in/ {print $1}' "$work/wrk-$w.txt")
  rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk-$w.txt")
  p50=$(grep -E '^ +50%' "$work/wrk-$w.txt" | millis); p99=$(grep -E '^ +99%' "$work/wrk-$w.txt" | millis)
  errors=$(awk '/Non-2xx/ {e += $NF} /Socket errors/ {gsub(/,/, ""); e += $4 + $6 + $8 + $10} END {print e + 0}' "$work/wrk-$w.txt")
  # CPU ticks are 10 ms: per request = ticks * 10000 us / requests
  per() { awk -v t="$1" -v n="$requests" 'BEGIN {printf "%d", t * 10000 / n}'; }
  # PostgreSQL transactions per request: commits and rollbacks of every session (the psql calls
  # themselves add two per window, noise next to thousands of requests)
  pg_per() { awk -v a="$1" -v b="$2" -v n="$requests" -v f="$3" 'BEGIN {split(a, x, "|"); split(b, y, "|"); printf "%.2f", (y[f] - x[f]) / n}'; }
  echo "mu2sls $workload $mode c=$clients rps=$rps p50_ms=$p50 p99_ms=$p99 errors=$errors" \
       "cpu_us_per_request gateway=$(per $((g1 - g0))) functions=$(per $((f1 - f0))) postgres=$(per $((p1 - p0)))" \
       "pg_transactions_per_request commits=$(pg_per "$x0" "$x1" 1) rollbacks=$(pg_per "$x0" "$x1" 2)"
done
