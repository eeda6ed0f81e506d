# Shared by the end-to-end tests: a temporary directory, assertions that name the step.
# Each test is a bash script run by ctest with ATTAIN (the binary) and ATTAIN_SOURCE_DIR.
set -euo pipefail
: "${ATTAIN:?ATTAIN must name the attain binary}"
: "${ATTAIN_SOURCE_DIR:?}"
T=$(mktemp -d /tmp/attain-e2e.XXXXXX)
trap 'rm -rf "$T"' EXIT
cd "$T"
failures=0
passes=0

pass() { passes=$((passes + 1)); echo "ok   $*"; }
fail() { failures=$((failures + 1)); echo "FAIL $*"; }
# expect_eq WHAT GOT EXPECTED
expect_eq() { if [ "$2" == "$3" ]; then pass "$1"; else fail "$1: got [$2], expected [$3]"; fi; }
# expect_contains WHAT HAYSTACK NEEDLE
expect_contains() {
  if [[ "$2" == *"$3"* ]]; then pass "$1"; else fail "$1: [$2] does not contain [$3]"; fi
}
# content DB: every row of every table, canonical (a byte-for-byte content comparison).
content() {
  local db=$1 t
  for t in $(sqlite3 "$db" "SELECT name FROM sqlite_schema WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name"); do
    echo "== $t"
    sqlite3 "$db" "SELECT * FROM \"$t\"" | sort
  done
}
finish() {
  echo "$passes passed, $failures failed"
  [ "$failures" -eq 0 ]
}
