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

# http_serve LOG ARGS...: starts ARGS (an `attain serve --http ADDR:0 ...`) in the background,
# its log in LOG, and waits until it logs the port it listens on; sets $pid and $url (always
# via 127.0.0.1) and adds the pid to $pids, which the caller's EXIT trap stops.
http_serve() {
  local log=$1
  shift
  : > "$log" # before the daemon opens it: the loop below may read it first
  "$@" 2> "$log" &
  pid=$!
  pids+=("$pid")
  local port=""
  for _ in $(seq 200); do
    port=$(sed -n 's/.*event=http listen=[0-9.]*:\([0-9]*\).*/\1/p' "$log")
    [ -n "$port" ] && break
    sleep 0.05
  done
  url="http://127.0.0.1:$port"
}
