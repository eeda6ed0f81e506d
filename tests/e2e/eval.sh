# attain check / eval / status end to end: the shipped policies on the examples; a broken
# policy of each kind (syntax error, runtime error, endless loop, unbounded allocation)
# fails alone with file:line while every other competency is evaluated and stored; the
# same facts, policies and --at give byte-identical JSON.
. "$(dirname "$0")/lib.bash"

P="$ATTAIN_SOURCE_DIR/policies"
"$ATTAIN" --db a.db init >/dev/null
"$ATTAIN" --db a.db import "$ATTAIN_SOURCE_DIR"/examples/facts.jsonl >/dev/null

out=$("$ATTAIN" --policies "$P" check)
expect_contains "check passes on the shipped policies" "$out" "19 policies, 1 lib/ module ok"

"$ATTAIN" --db a.db --policies "$P" eval --at 2026-11-25 --json > first.jsonl 2>/dev/null
"$ATTAIN" --db a.db --policies "$P" eval --at 2026-11-25 --json > second.jsonl 2>/dev/null
expect_eq "eval --json twice at the same --at is byte-identical" "$(cmp first.jsonl second.jsonl && echo same)" same
expect_eq "one line per organisation x competency" "$(wc -l < first.jsonl)" 114
expect_contains "contoso is silver in cloud-platform" "$(grep '"org":"contoso","competency":"cloud-platform"' first.jsonl)" '"level":"silver"'
reached=$(grep -c '"at":"[^"]*","level":"\(silver\|gold\)"' first.jsonl)
expect_eq "a result is stored per organisation x competency that reached a level" \
  "$(sqlite3 a.db 'SELECT count(*) FROM result')" "$reached"
expect_eq "... none is no row (every organisation has its evaluation row)" \
  "$(sqlite3 a.db 'SELECT count(*) FROM result WHERE level IS NULL')/$(sqlite3 a.db 'SELECT count(*) FROM evaluation')" 0/6
expect_eq "the stored results name the policy set version" \
  "$(sqlite3 a.db 'SELECT count(DISTINCT policy) FROM result')" 1
cp a.db n.db # (a.db stays at 2026-11-25: evaluations only move forward in time)
"$ATTAIN" --db n.db --policies "$P" eval --at 2026-11-26 --json > next-day.jsonl 2>/dev/null
expect_eq "re-evaluating replaces results instead of adding rows" "$(sqlite3 n.db 'SELECT count(*) FROM result')" \
  "$(grep -c '"at":"[^"]*","level":"\(silver\|gold\)"' next-day.jsonl)"

# A policy directory with one broken policy of each kind next to good ones.
mkdir bad
cp "$P"/cloud-platform.lua "$P"/security.lua bad/
cp -r "$P"/lib bad/ # the code lists they require
cat > bad/syntax.lua <<'LUA'
local a = require "attain"
return a.competency {
  id = "syntax" name = "Syntax",
}
LUA
write_custom() { # FILE ID MEASURE-BODY
  cat > "bad/$1.lua" <<LUA
local a = require "attain"
return a.competency {
  id = "$1", name = "$1",
  paths = {
    a.path { id = "p", level = "silver",
      a.goal { label = "custom", need = 1, measure = function(org, now)
        $2
      end } },
  },
}
LUA
}
write_custom runtime 'return org.nothing.here'
write_custom loop 'while true do end'
write_custom hog 'local t = {} for i = 1, math.huge do t[i] = ("x"):rep(1024) .. i end'

set +e
out=$("$ATTAIN" --policies bad check 2>&1); rc=$?
set -e
expect_eq "check exits 1 on a broken policy" "$rc" 1
expect_contains "check names the syntax error's file and line" "$out" "bad/syntax.lua:3: failed to compile:"

set +e
"$ATTAIN" --db a.db --policies bad eval --at 2026-11-25 --org contoso --json > bad.jsonl 2> bad.err; rc=$?
set -e
expect_eq "eval exits 1 when a policy fails" "$rc" 1
expect_contains "the syntax error is reported in its row" "$(grep '"competency":"syntax"' bad.jsonl)" '"error":"bad/syntax.lua:3: failed to compile:'
expect_contains "the runtime error names file and line" "$(grep '"competency":"runtime"' bad.jsonl)" '"error":"bad/runtime.lua:7: failed to run:'
expect_contains "the endless loop hits the instruction budget" "$(grep '"competency":"loop"' bad.jsonl)" 'instruction budget'
expect_contains "the unbounded allocation hits the memory budget" "$(grep '"competency":"hog"' bad.jsonl)" 'memory budget'
expect_contains "the other competencies are still evaluated" "$(grep '"competency":"cloud-platform"' bad.jsonl)" '"level":"silver","membership"'
expect_contains "... and security too" "$(grep '"competency":"security"' bad.jsonl)" '"error":null'
expect_eq "every competency has its row" "$(wc -l < bad.jsonl)" 6
expect_eq "the failed rows are stored with their error" \
  "$(sqlite3 a.db "SELECT count(*) FROM result r JOIN org o USING (oid) WHERE o.key = 'contoso' AND error IS NOT NULL")" 4

# eval --due: only what changed. contoso and northwind (ids 1 and 3) change, fabrikam (2)
# between them does not: a dense stretch read as a range must still skip fabrikam.
"$ATTAIN" --db a.db --policies "$P" eval --at 2026-11-25 >/dev/null 2>&1 || true
out=$("$ATTAIN" --db a.db --policies "$P" eval --at 2026-11-25 --due 2>&1 >/dev/null)
expect_contains "nothing is due right after a sweep" "$out" "evaluated 0 organisations"
printf '%s\n' '{"type":"metric","org":"contoso","metric":"devops_revenue","period":"2026-11","value":1}' \
  '{"type":"metric","org":"northwind","metric":"devops_revenue","period":"2026-11","value":1}' |
  "$ATTAIN" --db a.db import - >/dev/null
out=$("$ATTAIN" --db a.db --policies "$P" eval --at 2026-11-25 --due --json 2>&1)
expect_contains "eval --due evaluates the two organisations that changed" "$out" "evaluated 2 organisations"
expect_eq "... and not the one between them" "$(echo "$out" | grep -c '"org":"fabrikam"')" 0

out=$("$ATTAIN" --db a.db --policies "$P" status contoso --at 2026-11-25)
expect_contains "status shows the level" "$out" "Cloud Platform (cloud-platform): silver"
expect_contains "status shows have/need with a bar" "$out" "[##########] 2/2  2 certified people (AZ-104, AZ-204, AZ-305)"
expect_contains "status explains who does not count and why" "$out" "    c-cid: AZ-305 does not count: left the organisation (since 2026-10-01)"
out=$(COLUMNS=200 "$ATTAIN" --db a.db --policies "$P" status contoso --at 2026-11-25 --verbose)
expect_contains "status --verbose explains it under every goal, with the MSA" "$out" \
  "        does not count: c-cid AZ-305 (MSA c-cid@msa.example): left the organisation (since 2026-10-01)"
set +e
"$ATTAIN" --db a.db --policies "$P" status nobody >/dev/null 2>&1; rc=$?
set -e
expect_eq "status of an unknown organisation exits 65" "$rc" 65

# Sweeps read metrics back only as far as the policy set's longest window (docs/eval.md):
# the oldest month of a window still counts, the month before it does not, and a seats
# goal (the latest reported month, however old) makes the sweep read every month.
mkdir -p windows/only windows/seats
cat > windows/only/window.lua <<'LUA'
local a = require "attain"
return a.competency { id = "window", name = "Window", paths = {
  a.path { id = "p", level = "silver", a.revenue { metric = "w", months = 3, at_least = 100 } },
  a.path { id = "p", level = "gold", a.revenue { metric = "w", months = 3, at_least = 1000 } } } }
LUA
cp windows/only/window.lua windows/seats/
cat > windows/seats/seats.lua <<'LUA'
local a = require "attain"
return a.competency { id = "seats", name = "Seats", paths = {
  a.path { id = "p", level = "silver", a.seats { metric = "s", at_least = 5 } } } }
LUA
printf '%s\n' '{"type":"org","id":"edge"}' \
  '{"type":"metric","org":"edge","metric":"w","period":"2026-08","value":1000}' \
  '{"type":"metric","org":"edge","metric":"w","period":"2026-09","value":100}' \
  '{"type":"metric","org":"edge","metric":"s","period":"2024-01","value":7}' > windows.jsonl
"$ATTAIN" --db w.db init >/dev/null
"$ATTAIN" --db w.db import windows.jsonl >/dev/null
out=$("$ATTAIN" --db w.db --policies windows/only eval --at 2026-11-25 2>/dev/null)
expect_contains "a window's oldest month counts, the month before does not" "$out" "window                       silver"
out=$("$ATTAIN" --db w.db --policies windows/seats eval --at 2026-11-25 2>/dev/null)
expect_contains "... also when a seats goal makes the sweep read every month" "$out" "window                       silver"
expect_contains "a seats goal finds a latest month older than every window" "$out" "seats                        silver"
# --read-only reads what a sweep reads and evaluates and writes nothing (a benchmark's floor).
before=$(content a.db)
out=$("$ATTAIN" --db a.db --policies "$P" eval --read-only --at 2026-11-20 2>&1)
expect_contains "eval --read-only reads every organisation, even before what is stored" "$out" \
  "read the facts of 6 organisations (for $(ls "$P"/*.lua | wc -l) competencies)"
expect_eq "... and writes nothing" "$(content a.db)" "$before"
finish
