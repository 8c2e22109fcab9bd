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

# The viewer's pure modules (vitest), then the viewer end to end in Debian's Chromium (after xunit, which leaves the test database loaded).
weblog="$CRADLE_RUN_DIR/test-web.log"
# A hung test fails after five minutes instead of holding the run for ever.
unitlog="$CRADLE_RUN_DIR/test-unit.log"
(cd src/Web && npx vitest run --dir unit) 2>&1 | tee "$unitlog"
unitrc=${PIPESTATUS[0]}
upass=$(grep -E '^ +Tests +[0-9]+ passed' "$unitlog" | grep -oE '[0-9]+ passed' | awk '{print $1}' | tail -1)
ufail=$(grep -E '^ +Tests +.*[0-9]+ failed' "$unitlog" | grep -oE '[0-9]+ failed' | awk '{print $1}' | tail -1)
upass=${upass:-0}; ufail=${ufail:-0}
if [ "$unitrc" -ne 0 ] && [ "$ufail" -eq 0 ]; then ufail=1; fi
passed=$((passed + upass)); failed=$((failed + ufail))
[ "$unitrc" -ne 0 ] && rc=$unitrc
(cd src/Web && node --test --test-timeout=300000 tests/) 2>&1 | tee "$weblog"
webrc=${PIPESTATUS[0]}
wpass=$(grep -E '^# pass [0-9]+' "$weblog" | awk '{print $3}' | tail -1)
wfail=$(grep -E '^# fail [0-9]+' "$weblog" | awk '{print $3}' | tail -1)
wpass=${wpass:-0}; wfail=${wfail:-0}
if [ "$webrc" -ne 0 ] && [ "$wfail" -eq 0 ]; then wfail=1; fi
passed=$((passed + wpass)); failed=$((failed + wfail))
[ "$webrc" -ne 0 ] && rc=$webrc
line="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && line="$line, $skipped skipped"
echo "$line"
exit "$rc"
