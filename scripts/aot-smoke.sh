#!/usr/bin/env bash
# Publishes the agent as Native AOT (how the image ships it: Containerfile) with trim/AOT warnings as errors, then
# smoke-tests the binary: explain, analyze of the seed bundle, and a short `demo --serve` (the simulated seed cluster
# and the agent's serve loop in one process) whose /metrics must pass `promtool check metrics` and whose /report must
# be JSON. Prints how long the publish took. Needs promtool, jq and curl (scripts/test.sh installs them).
#   bash scripts/aot-smoke.sh [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-$(mktemp -d)/aot}"
log="$(mktemp)"
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; rm -f "$log"; }
trap cleanup EXIT

start=$(date +%s)
if ! dotnet publish src/LlmdDoctor/LlmdDoctor.csproj -c Release -r linux-x64 -p:PublishAot=true -warnaserror \
    -o "$out" -nologo -v q >"$log" 2>&1; then
  cat "$log"; echo "AOT smoke: publish failed" >&2; exit 1
fi
doctor="$out/llmd-doctor"
echo "AOT smoke: published in $(( $(date +%s) - start )) s, binary $(( $(stat -c %s "$doctor") / 1048576 )) MiB"

fail() { echo "AOT smoke: $*" >&2; [ -s "$log" ] && tail -50 "$log" >&2; exit 1; }

# Output is captured whole: a reader that stops early (grep -q) would leave the doctor writing into a closed pipe.
text="$("$doctor" explain LLMD0401)" || fail "explain exited $?"
grep -q "ChatCompletionBodyLost" <<<"$text" || fail "explain LLMD0401 did not print the runbook"

json="$("$doctor" analyze src/LlmdDoctor.Simulator/Scenarios/seed-rhoai/bundle -o json --fail-on none)" || fail "analyze exited $?"
jq -e '.findings | length > 0' <<<"$json" >/dev/null || fail "analyze of the seed bundle reported no findings"

port=$(( 20000 + RANDOM % 20000 ))
url="http://127.0.0.1:$port"
"$doctor" demo --serve --listen "$url" >"$log" 2>&1 &
pid=$!
cycles=0
for _ in $(seq 240); do
  kill -0 "$pid" 2>/dev/null || fail "demo --serve exited early"
  cycles=$(curl -fsS "$url/metrics" 2>/dev/null | awk '$1 == "llmd_doctor_cycles_total" { print $2 }' || true)
  [ -n "$cycles" ] && [ "${cycles%.*}" -ge 1 ] && break
  sleep 0.5
done
[ -n "$cycles" ] && [ "${cycles%.*}" -ge 1 ] || fail "no agent cycle completed within 120 s"
curl -fsS "$url/metrics" | promtool check metrics >/dev/null 2>"$log.promtool" || { cat "$log.promtool" >&2; rm -f "$log.promtool"; fail "promtool rejected /metrics"; }
rm -f "$log.promtool"
curl -fsS "$url/report" | jq -e '.findings' >/dev/null || fail "/report is not a JSON report"
kill -TERM "$pid"
wait "$pid" || fail "serve did not stop cleanly on SIGTERM (exit $?)"
pid=""
echo "AOT smoke: explain, analyze, serve (/metrics through promtool, /report) passed"
