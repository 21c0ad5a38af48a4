#!/usr/bin/env bash
# Runs the test projects one after another (QEMU tests are sequential: two cores) and prints
# one closing line: "tests: N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
which=${1:-all}
unit=(tests/Virtlab.Domain.Tests tests/Virtlab.Protocol.Tests tests/Virtlab.Engine.Tests tests/Virtlab.Fuzz.Tests tests/Virtlab.Lab.Tests)
integration=(tests/Virtlab.IntegrationTests)
case "$which" in
  unit) projects=("${unit[@]}") ;;
  integration) projects=("${integration[@]}") ;;
  *) projects=("${unit[@]}" "${integration[@]}") ;;
esac

# The CLI and the daemon the integration tests drive, built once up front.
if [ "$which" != unit ]; then ./virtlab --help >/dev/null || exit 1; fi

passed=0 failed=0 skipped=0 status=0
log=$(mktemp)
for p in "${projects[@]}"; do
  echo "== $p"
  dotnet test "$p" -nologo --logger "console;verbosity=normal" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  if ! grep -qE '^Total tests: [0-9]+' "$log"; then
    echo "run-tests: no test summary from $p (build failure?)"
    status=1
    continue
  fi
  count() { grep -E "^ +$1: +[0-9]+" "$log" | tail -1 | grep -oE '[0-9]+' || echo 0; }
  pa=$(count Passed) f=$(count Failed) s=$(count Skipped)
  passed=$((passed + pa)) failed=$((failed + f)) skipped=$((skipped + s))
  [ "$rc" -ne 0 ] && status=1
done
rm -f "$log"
echo "tests: $passed passed, $failed failed, $skipped skipped"
exit $status
