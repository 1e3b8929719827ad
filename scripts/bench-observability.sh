#!/usr/bin/env bash
# What metrics and traces cost over HTTP: runs scripts/bench-http-wrk.sh (W1 and W2 on the local
# platform, load from wrk) with telemetry off (MU2SLS_METRICS=off), with metrics on (the default) and
# with metrics and traces on (OTLP/HTTP to a local sink that drops them, 10% of the traces sampled),
# alternated in each of REPEAT rounds (this machine is shared and noisy), then prints every result
# line labelled with its setting: throughput, and the CPU per request of gateway and functions,
# which is what telemetry adds to.
# Usage: scripts/bench-observability.sh [seconds] [warmup]
#   env: REPEAT=2 WORKLOADS="W1 W2" CLIENTS=16 SETTINGS="off metrics traced" SAMPLE=0.1 MU2SLS=./mu2sls
#   needs python3 (the OTLP sink) and wrk
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-15}"
warmup="${2:-30}"
results="$(mktemp)"
sink_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 - "$sink_port" <<'PY' &
import http.server, sys
class Sink(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get('Content-Length', 0)))
        self.send_response(200); self.send_header('Content-Length', '0'); self.end_headers()
    def log_message(self, *args): pass
http.server.ThreadingHTTPServer(('127.0.0.1', int(sys.argv[1])), Sink).serve_forever()
PY
sink_pid=$!
trap 'kill "$sink_pid" 2>/dev/null; rm -f "$results"' EXIT
read -r -a settings <<< "${SETTINGS:-off metrics traced}"
for round in $(seq 1 "${REPEAT:-2}"); do
  for workload in ${WORKLOADS:-W1 W2}; do
    # each round starts with the next setting, so that a drift within a round (the machine, the
    # JIT, the page cache) does not always favour the same one
    for i in "${!settings[@]}"; do
      setting="${settings[$(( (i + round - 1) % ${#settings[@]} ))]}"
      case "$setting" in
        off) vars=(MU2SLS_METRICS=off) ;;
        metrics) vars=() ;;
        traced) vars=(OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$sink_port" OTEL_TRACES_SAMPLER=parentbased_traceidratio
                      OTEL_TRACES_SAMPLER_ARG="${SAMPLE:-0.1}") ;;
        *) echo "bench-observability.sh: settings are off, metrics and traced, got $setting" >&2; exit 2 ;;
      esac
      env "${vars[@]}" "$root/scripts/bench-http-wrk.sh" "$workload" exactly-once "${CLIENTS:-16}" "$warmup" "$seconds" 1 2>/dev/null |
        grep '^mu2sls W' | sed "s/^/$setting round=$round /" | tee -a "$results"
    done
  done
done
echo "median of ${REPEAT:-2} rounds (rps; CPU µs per request of gateway + functions; each against the first setting):"
awk '{ key=$4" "$1; split($7,r,"="); split($12,g,"="); split($13,f,"=");
       n[key]++; rps[key,n[key]]=r[2]; cpu[key,n[key]]=g[2]+f[2];
       if (!(key in seen)) { seen[key]=1; order[++k]=key } }
     function median(arr, key, m,   i, j, v, t) {
       for (i=1;i<=m;i++) v[i]=arr[key,i]
       for (i=1;i<=m;i++) for (j=i+1;j<=m;j++) if (v[j]+0 < v[i]+0) { t=v[i]; v[i]=v[j]; v[j]=t }
       return (m % 2) ? v[(m+1)/2] : (v[m/2] + v[m/2+1]) / 2 }
     END { for (i=1;i<=k;i++) { key=order[i]; split(key, w, " "); m=n[key]; rm=median(rps,key,m); cm=median(cpu,key,m);
             if (!(w[1] in base)) { base[w[1]]=rm; basecpu[w[1]]=cm }
             printf "%s %s rps=%.0f (%.3f) cpu_us=%.0f (%.3f)\n", w[1], w[2], rm, rm/base[w[1]], cm, cm/basecpu[w[1]] } }' "$results"
echo "load average now: $(cut -d' ' -f1-3 /proc/loadavg)"
