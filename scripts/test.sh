#!/usr/bin/env bash
# Runs the whole test suite against real emulators and a real RabbitMQ, installing what is missing first.
# Lists the failed tests, then ends with the plain summary line "N passed, N failed[, N skipped]".
# Test assemblies run one after another (MaxCpuCount=1): several of them move gigabytes through emulators, and on two
# cores they would otherwise starve each other; tests inside an assembly still run in parallel.
# A hang dumps only stacks (mini): a full dump of a test host is gigabytes, and once met a disk that was full already.
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

scripts/install-prerequisites.sh || exit 1

results="$root/TestResults"
rm -rf "$results"
dotnet test Platform.sln \
  --logger "trx" --logger "console;verbosity=normal" \
  --results-directory "$results" \
  --blame-hang-timeout 10m --blame-hang-dump-type mini \
  "$@" \
  -- RunConfiguration.MaxCpuCount=1
status=$?

python3 - "$results" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
passed = failed = skipped = 0
for path in glob.glob(f"{sys.argv[1]}/**/*.trx", recursive=True):
    root = ET.parse(path).getroot()
    # The failures again at the end, where a CI log's tail shows them.
    for result in root.iter("{http://microsoft.com/schemas/VisualStudio/TeamTest/2010}UnitTestResult"):
        if result.get("outcome") not in ("Passed", "NotExecuted"):
            message = result.find(".//{*}ErrorInfo/{*}Message")
            reason = " ".join((message.text or "").split())[:300] if message is not None else ""
            print(f"FAILED {result.get('testName')}: {reason}")
            # The innermost frames say where it broke (a fixture's exception shows only its message otherwise).
            trace = result.find(".//{*}ErrorInfo/{*}StackTrace")
            text = (trace.text or "").split("Inner Stack Trace")[-1] if trace is not None else ""
            frames = [line.strip() for line in text.splitlines() if line.strip().startswith("at ")]
            for frame in frames[:4]:
                print(f"    {frame[:200]}")
    counters = root.find(".//{*}ResultSummary/{*}Counters")
    if counters is None:
        continue
    passed += int(counters.get("passed", 0))
    failed += int(counters.get("failed", 0)) + int(counters.get("error", 0)) + int(counters.get("timeout", 0)) + int(counters.get("aborted", 0))
    skipped += int(counters.get("total", 0)) - int(counters.get("executed", 0))
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
exit $status
