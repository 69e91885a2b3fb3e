#!/usr/bin/env bash
# Footprint of the shipped agent: `llmd-doctor serve` itself (not the bench harness), started as the Deployment starts
# it (its DOTNET_* settings, `serve --config FILE`), against a simulated cluster that runs in another process
# (`llmd-doctor-bench simulate`). Reads RSS, anonymous/file RSS and CPU from /proc after N cycles (`llmd-doctor-bench
# footprint`), keeps /proc/PID/smaps_rollup and smaps, then times `report` against the running agent and `explain`
# start-up with hyperfine. bench/run.sh calls it once per build; it also runs alone on binaries built before:
#   bash bench/footprint.sh CONNECTION_FILE HARNESS LABEL OUT_DIR DOCTOR_COMMAND...
#   e.g. bash bench/footprint.sh /tmp/conn-seed.json /tmp/harness/llmd-doctor-bench aot bench/results /tmp/aot/llmd-doctor
# The caller exports the DOTNET_* settings (bench/run.sh does) and starts the simulator. FOOTPRINT_CYCLES (10),
# FOOTPRINT_INTERVAL (5s), FOOTPRINT_HYPERFINE=0 skips the hyperfine part, FOOTPRINT_GCDUMP (below) adds a heap snapshot. Every process is stopped by its PID.
set -euo pipefail
conn=$1 harness=$2 label=$3 out=$4
shift 4
doctor=("$@")
cycles=${FOOTPRINT_CYCLES:-10}
interval=${FOOTPRINT_INTERVAL:-5s}
url=${FOOTPRINT_URL:-http://127.0.0.1:18080}
work=$(mktemp -d)
mkdir -p "$out"
agent=""
cleanup() {
  if [[ -n "$agent" ]]; then
    kill "$agent" 2>/dev/null || true
    wait "$agent" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

for _ in $(seq 1200); do [[ -s "$conn" ]] && break; sleep 0.1; done
[[ -s "$conn" ]] || { echo "footprint: no simulator connection file $conn" >&2; exit 1; }

# The configuration a user would write for the simulated cluster: its Prometheus (token file 0600), Grafana, and its CA
# for every gateway (the same as SimulatorEndpoints.ConfigFor gives `demo` and the harness), with the interval.
umask 077
jq -r '.prometheus_token' "$conn" >"$work/prometheus-token"
jq -r --arg interval "$interval" --arg token "$work/prometheus-token" '
  "interval: \($interval)",
  "prometheus:", "  url: \(.prometheus_url | rtrimstr("/") | @json)", "  tokenFile: \($token | @json)", "  caFile: \(.ca_file | @json)",
  "grafana:", "  url: \(.grafana_url | rtrimstr("/") | @json)", "  caFile: \(.ca_file | @json)",
  "gateways:", "  overrides:",
  (.ca_file as $ca | .gateways[] | "    \(@json):", "      caFile: \($ca | @json)")
' "$conn" >"$work/config.yaml"
kubeconfig=$(jq -r '.kubeconfig' "$conn")

"${doctor[@]}" serve --config "$work/config.yaml" --kubeconfig "$kubeconfig" --listen "$url" >"$work/serve.log" 2>&1 &
agent=$!
"$harness" footprint --pid "$agent" --url "$url" --cycles "$cycles" --out "$out/footprint-$label.json" \
  || { tail -30 "$work/serve.log" >&2; exit 1; }
cp "/proc/$agent/smaps_rollup" "$out/smaps-rollup-$label.txt"
# Resident kB by mapped file; anonymous mappings one by one with their size (GC regions, malloc arenas, the AOT
# image's .hydrated data right after the binary), so the anonymous total can be told apart.
cp "/proc/$agent/smaps" "$work/smaps" && python3 - "$work/smaps" >"$out/smaps-by-mapping-$label.txt" <<'PY'
import re, sys
rss, name = {}, None
for line in open(sys.argv[1]):
    m = re.match(r"([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \S+\s*(.*)$", line)
    if m:
        size = (int(m[2], 16) - int(m[1], 16)) // 1024
        name = m[3].strip() or f"[anonymous {size} kB at {m[1]}]"
    elif line.startswith("Rss:"):
        rss[name] = rss.get(name, 0) + int(line.split()[1])
for n, kb in sorted(rss.items(), key=lambda kv: -kv[1]):
    if kb >= 256:
        print(f"{kb:8d} kB  {n}")
PY
# FOOTPRINT_GCDUMP=DIR (a JIT or ReadyToRun build with DOTNET_EnableDiagnostics=1, dotnet-gcdump on PATH): a heap
# snapshot after the cycles (it collects first, so it shows what the agent keeps alive) and its top types.
if [[ -n ${FOOTPRINT_GCDUMP:-} ]]; then
  dotnet-gcdump collect -p "$agent" -o "$FOOTPRINT_GCDUMP/$label.gcdump" >"$work/gcdump.log" 2>&1 || { cat "$work/gcdump.log" >&2; exit 1; }
  dotnet-gcdump report "$FOOTPRINT_GCDUMP/$label.gcdump" >"$FOOTPRINT_GCDUMP/$label-types.txt" 2>&1
fi
# What the cycles found (a sanity check that the agent really reached the simulated cluster).
echo "footprint ($label): report summary $("${doctor[@]}" report --url "$url" -o json --fail-on none | jq -c '.summary')" >&2

if [[ ${FOOTPRINT_HYPERFINE:-1} != 0 ]]; then
  cmd=$(printf '%q ' "${doctor[@]}")
  hyperfine -N --warmup 3 --runs 20 -i --export-json "$out/report-hyperfine-$label.json" \
    -n "report ($label)" "$cmd report --url $url" >"$work/hyperfine-report.log" 2>&1 || { cat "$work/hyperfine-report.log" >&2; exit 1; }
  hyperfine -N --warmup 3 --runs 20 -i --export-json "$out/explain-hyperfine-$label.json" \
    -n "explain ($label)" "$cmd explain LLMD0401" >"$work/hyperfine-explain.log" 2>&1 || { cat "$work/hyperfine-explain.log" >&2; exit 1; }
fi

kill -TERM "$agent"
wait "$agent" || { tail -30 "$work/serve.log" >&2; echo "footprint: serve ($label) did not stop cleanly on SIGTERM" >&2; exit 1; }
agent=""
echo "footprint ($label): $(jq -r '"rss \(.rss_bytes/1048576*10|floor/10) MiB, anon \(.rss_anon_bytes/1048576*10|floor/10) MiB, file \(.rss_file_bytes/1048576*10|floor/10) MiB, \(.avg_cores_over_cycles) cores over cycles, load \(.loadavg)"' "$out/footprint-$label.json")" >&2
