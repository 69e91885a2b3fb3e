#!/usr/bin/env bash
# Runs every test of llm-d doctor on a clean Debian machine: installs what the tests need (the real peers:
# Prometheus, promtool, Alertmanager, nginx, python3-grpcio, kubectl, headless Chromium for the web view), builds with
# warnings as errors, runs all test projects, publishes and smoke-tests the Native AOT agent (scripts/aot-smoke.sh)
# and prints a plain "N passed, N failed, N skipped" line computed from the results.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
have() { command -v "$1" >/dev/null 2>&1; }
have prometheus || need_apt+=(prometheus)
have promtool || need_apt+=(prometheus)
have prometheus-alertmanager || need_apt+=(prometheus-alertmanager)
have nginx || [ -x /usr/sbin/nginx ] || need_apt+=(nginx-light)
have jq || need_apt+=(jq)
have curl || need_apt+=(curl)
have openssl || need_apt+=(openssl)
have kubectl || need_apt+=(kubectl)
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
# Native AOT links with clang (or gcc) against zlib.
have clang || have gcc || need_apt+=(clang)
[ -e /usr/include/zlib.h ] || need_apt+=(zlib1g-dev)
/usr/bin/python3 -c 'import grpc, grpc_tools, google.protobuf' >/dev/null 2>&1 || need_apt+=(python3-grpcio python3-grpc-tools python3-protobuf)
/usr/bin/python3 -c 'import yaml' >/dev/null 2>&1 || need_apt+=(python3-yaml)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "installing: ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
dotnet build LlmdDoctor.sln -c Release -warnaserror -nologo -v q

results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT
status=0
dotnet test LlmdDoctor.sln -c Release --no-build -nologo -v q \
  --logger "trx" --results-directory "$results" -- RunConfiguration.TestSessionTimeout=1500000 || status=$?

# The agent ships as Native AOT: publish it with trim/AOT warnings as errors and smoke-test the binary. After the
# tests, so its RID-specific restore and build never race the test run.
aot=0
bash scripts/aot-smoke.sh "$results/aot" || aot=$?

summary=0
AOT_FAILED=$(( aot != 0 )) /usr/bin/python3 - "$results" <<'PY' || summary=$?
import glob, os, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = skipped = 0
files = glob.glob(sys.argv[1] + "/**/*.trx", recursive=True)
for f in files:
    root = ET.parse(f).getroot()
    # Name every failed test with its message, so a failure in CI can be understood from the log alone.
    for r in root.iter("{%s}UnitTestResult" % ns["t"]):
        if r.get("outcome") == "Failed":
            message = r.find("t:Output/t:ErrorInfo/t:Message", ns)
            print("FAILED", r.get("testName"), "::", (message.text or "").strip()[:2000] if message is not None else "", file=sys.stderr)
    c = root.find("t:ResultSummary/t:Counters", ns)
    passed += int(c.get("passed", 0))
    failed += int(c.get("failed", 0)) + int(c.get("error", 0)) + int(c.get("timeout", 0)) + int(c.get("aborted", 0))
    skipped += int(c.get("notExecuted", 0))
if not files:
    failed += 1
    print("no test results were written", file=sys.stderr)
if os.environ.get("AOT_FAILED") == "1":
    failed += 1
    print("FAILED Native AOT publish and smoke test (scripts/aot-smoke.sh)", file=sys.stderr)
print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed else 0)
PY
[ "$status" -eq 0 ] && [ "$summary" -eq 0 ] && [ "$aot" -eq 0 ]
