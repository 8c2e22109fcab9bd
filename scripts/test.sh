#!/usr/bin/env bash
# Runs the test suite and ends with one line: `N passed, N failed` (and `, N skipped` if any).
set -uo pipefail
. "$(dirname "$0")/env.sh"
cd "$CRADLE_ROOT"
mkdir -p "$CRADLE_RUN_DIR"
log="$CRADLE_RUN_DIR/test.log"
dotnet test Cradle.sln -c Release --no-build --nologo --logger "console;verbosity=normal" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
# VSTest prints, per test assembly, "Total tests: N" then "Passed: N", "Failed: N", "Skipped: N" lines.
read -r passed failed skipped < <(awk '
  /^Total tests:/ { on = 1; next }
  on && /^ +Passed: +[0-9]+/  { p += $2 }
  on && /^ +Failed: +[0-9]+/  { f += $2 }
  on && /^ +Skipped: +[0-9]+/ { s += $2 }
  on && /Total time:/ { on = 0 }
  END { print p + 0, f + 0, s + 0 }' "$log")
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi  # the run broke before it could count

# Adds a run's counts to the totals: tally LOG RC PASSED_SED FAILED_SED (each sed prints the count from its line;
# a run that failed without counting a failure counts one).
tally() {
  local pass fail
  pass=$(sed -nE "$3" "$1" | tail -1); fail=$(sed -nE "$4" "$1" | tail -1)
  pass=${pass:-0}; fail=${fail:-0}
  if [ "$2" -ne 0 ] && [ "$fail" -eq 0 ]; then fail=1; fi
  passed=$((passed + pass)); failed=$((failed + fail))
  if [ "$2" -ne 0 ]; then rc=$2; fi
}

# The viewer's pure modules (vitest), then the viewer end to end in Debian's Chromium (after xunit, which leaves the test database loaded).
unitlog="$CRADLE_RUN_DIR/test-unit.log"
(cd src/Web && npm run --silent test:unit) 2>&1 | tee "$unitlog"
tally "$unitlog" "${PIPESTATUS[0]}" 's/^ +Tests +([0-9]+ failed \| )?([0-9]+) passed.*/\2/p' 's/^ +Tests +([0-9]+) failed.*/\1/p'
weblog="$CRADLE_RUN_DIR/test-web.log"
# A hung test fails after five minutes instead of holding the run for ever.
(cd src/Web && node --test --test-timeout=300000 tests/) 2>&1 | tee "$weblog"
tally "$weblog" "${PIPESTATUS[0]}" 's/^# pass ([0-9]+).*/\1/p' 's/^# fail ([0-9]+).*/\1/p'
line="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && line="$line, $skipped skipped"
echo "$line"
exit "$rc"
