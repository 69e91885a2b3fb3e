#!/usr/bin/env bash
# Runs every llm-d doctor benchmark side by side with what users would otherwise run, and writes bench/RESULTS.md.
# Installs what it needs (Debian: jq, hyperfine, prometheus-blackbox-exporter, GNU time). About 15 minutes on 2 cores
# (one Native AOT publish).
#   bash bench/run.sh            # everything
#   BENCH_QUICK=1 bash bench/run.sh   # fewer runs/probes, to try the script (results marked as quick)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/bench/results          # raw measurements (JSON, text), committed with RESULTS.md
WORK=${BENCH_WORK:-/tmp/llmd-bench-$$}   # build output, generated dump, logs (not committed)
mkdir -p "$OUT" "$WORK"
rm -f "$OUT"/*.json "$OUT"/*.txt
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

RUNS=5; PROBES=1000; WARMUP=300; SCALE_CYCLES=6
if [[ -n "${BENCH_QUICK:-}" ]]; then RUNS=5; PROBES=200; WARMUP=50; SCALE_CYCLES=2; fi

PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [[ -n "$p" ]] && kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
stop() { # SIGTERM, then SIGKILL after 10 s; only the PIDs this script started
  kill "$1" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true
}
log() { printf '\n== %s\n' "$*" >&2; }

# ---------------------------------------------------------------------------------------------- tools
log "installing peers (apt-get)"
need=()
command -v jq >/dev/null || need+=(jq)
command -v hyperfine >/dev/null || need+=(hyperfine)
command -v prometheus-blackbox-exporter >/dev/null || need+=(prometheus-blackbox-exporter)
[[ -x /usr/bin/time ]] || need+=(time)
if (( ${#need[@]} )); then
  SUDO=; [[ $(id -u) -ne 0 ]] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

log "building (Release, self-contained, ReadyToRun; the footprint section adds JIT and the Native AOT image build)"
dotnet publish bench/LlmdDoctor.Bench/LlmdDoctor.Bench.csproj -c Release -r linux-x64 --self-contained true \
  -p:PublishReadyToRun=true -o "$WORK/harness" -v q -nologo >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }
dotnet publish src/LlmdDoctor/LlmdDoctor.csproj -c Release -r linux-x64 --self-contained true \
  -p:PublishReadyToRun=true -o "$WORK/doctor" -v q -nologo >>"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }
dotnet build bench/LlmdDoctor.Bench.Micro/LlmdDoctor.Bench.Micro.csproj -c Release -o "$WORK/micro" -v q -nologo \
  >>"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }
# The footprint section runs the shipped agent, `llmd-doctor serve`, as JIT (framework-dependent), ReadyToRun (above)
# and Native AOT (what the Containerfile ships) builds side by side (bench/footprint.sh).
dotnet build src/LlmdDoctor/LlmdDoctor.csproj -c Release -o "$WORK/doctor-jit" -v q -nologo \
  >>"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }
dotnet publish src/LlmdDoctor/LlmdDoctor.csproj -c Release -r linux-x64 -p:PublishAot=true -warnaserror -o "$WORK/doctor-aot" \
  -v q -nologo >>"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }
H="$WORK/harness/llmd-doctor-bench"
DOCTOR="$WORK/doctor/llmd-doctor"
SEED="$ROOT/src/LlmdDoctor.Simulator/Scenarios/seed-rhoai/bundle"

# Every doctor process runs with the runtime settings (DOTNET_*) of deploy/base/deployment.yaml; a test checks they match.
export DOTNET_gcServer=0 DOTNET_gcConcurrent=0 DOTNET_GCgen0size=0x400000 DOTNET_TieredPGO=0 DOTNET_EnableDiagnostics=0

machine() {
  {
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "revision: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- src 2>/dev/null || echo ' (src modified)')"
    echo "nproc: $(nproc)"
    echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
    echo "memory: $(free -m | awk '/Mem:/{print $2}') MiB"
    echo "kernel: $(uname -r)"
    echo "os: $(. /etc/os-release; echo "$PRETTY_NAME")"
    echo "dotnet_sdk: $(dotnet --version)"
    echo "dotnet_runtime: $(dotnet --list-runtimes | awk '/Microsoft.NETCore.App/{v=$2} END{print v}')"
    echo "jq: $(jq --version)"
    echo "blackbox_exporter: $(prometheus-blackbox-exporter --version 2>&1 | head -1)"
    echo "hyperfine: $(hyperfine --version)"
    echo "quick: ${BENCH_QUICK:-}"
  } >"$OUT/machine.txt"
}
load() { echo "$1 $(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/loadavg.txt"; }
machine
load start

start_server() { # $1 ports, $2 delay ms, $3 port file
  rm -f "$3"
  "$H" serve-vllm --ports "$1" --delay-ms "$2" --port-file "$3" >"$WORK/server.log" 2>&1 &
  SERVER=$!; PIDS+=("$SERVER")
  for _ in $(seq 600); do [[ -s "$3" ]] && return 0; sleep 0.1; done
  echo "server did not start" >&2; exit 1
}

# ---------------------------------------------------------------------------------------------- 1. probe overhead
log "1. probe overhead: doctor vs blackbox_exporter (${RUNS} runs x ${PROBES} probes each, after ${WARMUP} warm-up probes)"
start_server 1 0 "$WORK/port-probe"
cat >"$WORK/blackbox.yml" <<YAML
# Equivalent to the doctor's probes: GET /v1/models and POST chat with the same one-token JSON body; a 200
# with an OpenAI-shaped body (the doctor parses the JSON: a "data" list, "choices").
modules:
  llm_get:
    prober: http
    timeout: 10s
    http:
      method: GET
      headers: {Accept: application/json}
      valid_status_codes: [200]
      preferred_ip_protocol: ip4
      fail_if_body_not_matches_regexp: ['"data"\s*:\s*\[']
  llm_post:
    prober: http
    timeout: 10s
    http:
      method: POST
      headers: {Accept: application/json, Content-Type: application/json}
      body: '{"model":"bench-model","messages":[{"role":"user","content":"ping"}],"max_tokens":1,"stream":false}'
      valid_status_codes: [200]
      preferred_ip_protocol: ip4
      fail_if_body_not_matches_regexp: ['"choices"\s*:\s*\[']
  # The same two over HTTPS, trusting the bench's own CA (serve-vllm --tls-dir), as the doctor trusts it (CaFile).
  llm_get_tls:
    prober: http
    timeout: 10s
    http:
      method: GET
      headers: {Accept: application/json}
      valid_status_codes: [200]
      preferred_ip_protocol: ip4
      fail_if_not_ssl: true
      tls_config: {ca_file: $WORK/tls/ca.pem}
      fail_if_body_not_matches_regexp: ['"data"\s*:\s*\[']
  llm_post_tls:
    prober: http
    timeout: 10s
    http:
      method: POST
      headers: {Accept: application/json, Content-Type: application/json}
      body: '{"model":"bench-model","messages":[{"role":"user","content":"ping"}],"max_tokens":1,"stream":false}'
      valid_status_codes: [200]
      preferred_ip_protocol: ip4
      fail_if_not_ssl: true
      tls_config: {ca_file: $WORK/tls/ca.pem}
      fail_if_body_not_matches_regexp: ['"choices"\s*:\s*\[']
YAML
BB_ADDR=127.0.0.1:19115
prometheus-blackbox-exporter --config.file="$WORK/blackbox.yml" --web.listen-address="$BB_ADDR" --log.level=warn >"$WORK/blackbox.log" 2>&1 &
BB=$!; PIDS+=("$BB")
for _ in $(seq 100); do curl -fsS "http://$BB_ADDR/-/healthy" >/dev/null 2>&1 && break; sleep 0.1; done
"$H" probe-overhead --port-file "$WORK/port-probe" --blackbox "http://$BB_ADDR" --blackbox-pid "$BB" \
  --runs "$RUNS" --n "$PROBES" --warmup "$WARMUP" --out "$OUT/probe-overhead.json"
stop "$SERVER"
load after-probe-http
# 1b. The same over HTTPS: a fresh connection and a full TLS handshake per probe for both probers.
rm -rf "$WORK/tls"; rm -f "$WORK/port-probe"
"$H" serve-vllm --ports 1 --delay-ms 0 --port-file "$WORK/port-probe" --tls-dir "$WORK/tls" >"$WORK/server-tls.log" 2>&1 &
SERVER=$!; PIDS+=("$SERVER")
for _ in $(seq 600); do [[ -s "$WORK/port-probe" ]] && break; sleep 0.1; done
"$H" probe-overhead --port-file "$WORK/port-probe" --tls-ca "$WORK/tls/ca.pem" --blackbox "http://$BB_ADDR" --blackbox-pid "$BB" \
  --runs "$RUNS" --n "$PROBES" --warmup "$WARMUP" --out "$OUT/probe-overhead-https.json"
cp "$WORK/blackbox.yml" "$OUT/blackbox.yml.txt"
stop "$BB"; stop "$SERVER"
load after-probe

# ---------------------------------------------------------------------------------------------- 2. config dump
log "2. config dump: 50 MB Istio gateway dump, doctor vs jq"
DUMP="$WORK/config_dump.json"
"$H" gen-dump --mb 50 --out "$DUMP" 2>"$OUT/dump-shape.txt"
"$H" dump-modes --dump "$DUMP" >"$WORK/modes-doctor.tsv" 2>/dev/null
jq -r -f bench/dump-modes.jq "$DUMP" >"$WORK/modes-jq.tsv"
if cmp -s "$WORK/modes-doctor.tsv" "$WORK/modes-jq.tsv"; then same=identical; else same=DIFFERENT; fi
echo "outputs: $same ($(wc -l <"$WORK/modes-doctor.tsv") routes; $(cut -f3 "$WORK/modes-doctor.tsv" | sort | uniq -c | tr -s ' ' | paste -sd, -))" >>"$OUT/dump-shape.txt"
echo "bytes: $(stat -c %s "$DUMP")" >>"$OUT/dump-shape.txt"
# The same dump in the seed bundle (replacing the maas-gateway pod's), for `llmd-doctor analyze` end to end.
BUNDLE="$WORK/bundle-50mb"; rm -rf "$BUNDLE"; cp -r "$SEED" "$BUNDLE"
cp "$DUMP" "$BUNDLE"/envoy/openshift-ingress/maas-gateway-*/config_dump.json
hyperfine -N --warmup 1 --runs "$RUNS" -i --export-json "$OUT/dump-hyperfine.json" \
  -n doctor "$H dump-modes --dump $DUMP" \
  -n jq "jq -r -f bench/dump-modes.jq $DUMP" \
  -n analyze "$DOCTOR analyze $BUNDLE -o json --fail-on none" >"$WORK/hyperfine-dump.log" 2>&1 || { cat "$WORK/hyperfine-dump.log"; exit 1; }
: >"$OUT/dump-time.txt"
for i in $(seq "$RUNS"); do
  for tool in doctor jq analyze; do
    case $tool in
      doctor) cmd=("$H" dump-modes --dump "$DUMP");;
      jq) cmd=(jq -r -f bench/dump-modes.jq "$DUMP");;
      analyze) cmd=("$DOCTOR" analyze "$BUNDLE" -o json --fail-on none);;
    esac
    /usr/bin/time -f "$tool %e %U %S %M" -a -o "$OUT/dump-time.txt" "${cmd[@]}" >/dev/null 2>&1 || true
  done
done
load after-dump

# ---------------------------------------------------------------------------------------------- 3. scale
log "3. scale: full doctor cycles against a simulated fleet of 100 gateways x 10 models, vLLM answering after 50 ms"
# The simulator runs in its own process, so the doctor's CPU and memory are measured apart from it.
rm -f "$WORK/conn-scale.json"
"$H" simulate --scenario scale-100x10 --latency-ms 50 --out "$WORK/conn-scale.json" >"$WORK/sim-scale.log" 2>&1 &
SIM=$!; PIDS+=("$SIM")
"$H" scale --connection "$WORK/conn-scale.json" --latency-ms 50 --cycles "$SCALE_CYCLES" --idle-seconds 15 --out "$OUT/scale.json"
stop "$SIM"
load after-scale

# ---------------------------------------------------------------------------------------------- 4. footprint
log "4. footprint: llmd-doctor serve after 10 cycles on the simulated seed cluster, report and explain (JIT, ReadyToRun, Native AOT)"
rm -f "$WORK/conn-seed.json"
"$H" simulate --scenario seed-rhoai --out "$WORK/conn-seed.json" >"$WORK/sim-seed.log" 2>&1 &
SIM=$!; PIDS+=("$SIM")
# What runs `serve`, on disk (debug symbols left out, as the Containerfile leaves them out of the image).
size_of() { du -sb --exclude='*.pdb' --exclude='*.dbg' "$1" | awk '{ printf "%.1f", $1 / 1048576 }'; }
echo "$(size_of "$WORK/doctor-jit") MiB + the shared .NET and ASP.NET Core runtimes" >"$OUT/size-jit.txt"
echo "$(size_of "$WORK/doctor") MiB (self-contained directory)" >"$OUT/size-r2r.txt"
echo "$(size_of "$WORK/doctor-aot") MiB (one executable)" >"$OUT/size-aot.txt"
for build in jit r2r aot; do
  case $build in
    jit) doctor=(dotnet "$WORK/doctor-jit/llmd-doctor.dll");;
    r2r) doctor=("$DOCTOR");;
    aot) doctor=("$WORK/doctor-aot/llmd-doctor");;
  esac
  bash bench/footprint.sh "$WORK/conn-seed.json" "$H" "$build" "$OUT" "${doctor[@]}"
done
stop "$SIM"
load after-footprint

( cd "$WORK/micro" && dotnet LlmdDoctor.Bench.Micro.dll --bundle "$SEED" --artifacts "$WORK/bdn" >"$WORK/bdn.log" 2>&1 ) \
  || { cat "$WORK/bdn.log"; exit 1; }
cp "$WORK"/bdn/results/*-report-full.json "$OUT/metrics-render-bdn.json"
cp "$(dirname "$(mktemp -u)")/llmd-bench-metrics-shape.txt" "$OUT/metrics-shape.txt"
load end

# ---------------------------------------------------------------------------------------------- 5. inventory at 50,000 Pods
log "5. inventory: one doctor inventory read of 10,000 and 50,000 ordinary Pods (~4 KB each) paged 500 at a time by the simulated API server"
# Inside the Deployment's 512Mi cgroup the runtime caps the GC heap at 75 % of the limit (dotnet/runtime
# src/coreclr/gc/gc.cpp compute_memory_settings, release/10.0: heap_hard_limit = max(20 MiB, limit * 75 / 100) when no
# GCHeapHardLimit is configured): 536,870,912 * 0.75 = 402,653,184 = 0x18000000. Here, outside a cgroup, the same cap
# is set by hand, so a read that would not fit the container fails with OutOfMemoryException (completed: false).
# The simulator (its own process) applies the Pods one by one before it writes the connection file: minutes.
for pods in 10000 50000; do
  rm -f "$WORK/conn-pods.json"
  "$H" simulate --scenario healthy --pods "$pods" --out "$WORK/conn-pods.json" >"$WORK/sim-pods.log" 2>&1 &
  SIM=$!; PIDS+=("$SIM")
  DOTNET_GCHeapHardLimit=0x18000000 /usr/bin/time -f "%e %U %S %M" -o "$OUT/pod-inventory-$pods-time.txt" \
    "$H" pod-inventory --connection "$WORK/conn-pods.json" --out "$OUT/pod-inventory-$pods.json" || true
  stop "$SIM"
done
load after-pods

# ---------------------------------------------------------------------------------------------- results
"$H" results --dir "$OUT" --out bench/RESULTS.md
log "wrote bench/RESULTS.md (raw data in bench/results/)"
