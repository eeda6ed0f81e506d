# attain test end to end, in a temporary policy repository: the closing line and exit code
# (also when nothing ran or a spec does not load), data-driven cases and what their
# failures say, scenarios, --filter, the JSON report, a.trace in a spec's result and in
# `attain status`, coverage of a lib/ helper's lines, and --watch running again after a
# change.
. "$(dirname "$0")/lib.bash"

mkdir -p policies/lib
cp "$ATTAIN_SOURCE_DIR/policies/cloud-platform.lua" policies/
cp "$ATTAIN_SOURCE_DIR/policies/lib/codes.lua" policies/lib/ # the code lists it requires
cat > policies/lib/points.lua <<'EOF'
local a = require "attain"
local M = {}
function M.points(org)
  local revenue = org:metric_sum("azure_consumed_revenue", 12)
  a.trace("revenue", revenue)
  if revenue > 1000000 then
    return 100
  end
  return revenue // 1000
end
return M
EOF
cat > policies/points.lua <<'EOF'
local a = require "attain"
local points = require "lib.points"
return a.competency {
  id = "points", name = "Points",
  paths = { a.path { id = "p", level = "silver",
    a.goal { label = "10 points", need = 10, measure = points.points } } },
}
EOF
run() { set +e; out=$("$ATTAIN" test "$@" 2>&1); rc=$?; set -e; }

run
expect_eq "no tests: exit 1" "$rc" 1
expect_contains "... saying where it looked" "$out" "attain test: no tests found in spec (files named *_spec.lua or *.cases.jsonl)"
expect_eq "... and the closing line" "$(echo "$out" | tail -n 1)" "0 passed, 0 failed, 0 skipped"

mkdir spec
cat > spec/points_spec.lua <<'EOF'
local fixture = require "attain.fixture"
describe("points", function()
  it("traces the revenue it counts", function()
    local fx = fixture.new()
    fx:org("contoso")
    fx:metric_months("contoso", "azure_consumed_revenue", 1000, { to = "2026-11", months = 12 })
    local r = fx:evaluate("points", "contoso", "2026-11-25")
    assert.are.equal("silver", r.level)
    assert.are.same({ "policies/lib/points.lua:5: revenue 12000" }, r.paths[1].goals[1].trace)
  end)
end)
EOF
cat > spec/points.cases.jsonl <<'EOF'
{"type":"scenario","name":"a small partner"}
{"type":"org","id":"small"}
{"type":"metric","org":"small","metric":"azure_consumed_revenue","period":"2026-11","value":9000}
{"type":"expect","org":"small","competency":"points","at":"2026-11-25","level":"none","paths":{"silver/p":false}}
{"type":"metric","org":"small","metric":"azure_consumed_revenue","period":"2026-10","value":1000}
{"type":"expect","org":"small","competency":"points","at":"2026-11-25","level":"silver","name":"10 points are silver"}
{"type":"scenario","name":"an empty database again"}
{"type":"org","id":"small"}
{"type":"expect","org":"small","competency":"points","at":"2026-11-25","level":null}
EOF
run
expect_eq "a spec and cases pass" "$rc" 0
expect_eq "... closing line" "$(echo "$out" | tail -n 1)" "4 passed, 0 failed, 0 skipped"
run --verbose --filter "10 points"
expect_eq "--filter runs the matching tests" "$out" "ok   a small partner spec/points.cases.jsonl:6: 10 points are silver
1 passed, 0 failed, 0 skipped"

# What failures say.
cat > spec/bad.cases.jsonl <<'EOF'
{"type":"org","id":"b"}
{"type":"expect","org":"b","competency":"points","at":"2026-11-25","level":"gold"}
not json
{"type":"expect","org":"b","competency":"points","at":"2026-11-25","levle":"none"}
{"type":"metric","org":"b","metric":"azure_consumed_revenue","period":"2026-13","value":1}
{"type":"expect","org":"b","competency":"points","at":"2026-11-25","level":"none"}
EOF
run spec/bad.cases.jsonl
expect_eq "failing cases fail the run" "$rc" 1
expect_contains "... a wrong expectation, with its line and the progress" "$out" \
"spec/bad.cases.jsonl:2: level: expected gold, got none
    silver p: not met
      - 10 points: have 0, need 10"
expect_contains "... a line that is not JSON" "$out" "spec/bad.cases.jsonl:3: not a JSON record"
expect_contains "... an unknown key" "$out" \
  "spec/bad.cases.jsonl:4: expect: unknown key 'levle' (expected org, competency, at, level, state, paths, alert, error, name)"
expect_contains "... a fact the importer refuses, in the importer's words" "$out" "spec/bad.cases.jsonl:5: metric:"
expect_eq "... closing line" "$(echo "$out" | tail -n 1)" "0 passed, 4 failed, 0 skipped"
rm spec/bad.cases.jsonl
printf 'describe("broken", function()\n  it("x", function() end\nend)\n' > spec/broken_spec.lua
run
expect_eq "a spec that does not load fails the run" "$rc" 1
expect_contains "... naming its file and line" "$out" "spec/broken_spec.lua:3:"
rm spec/broken_spec.lua

# The JSON report.
set +e
json=$("$ATTAIN" test --output json 2>err.txt); rc=$?
set -e
expect_eq "--output json: exit 0" "$rc" 0
expect_contains "... a test entry" "$json" '{"file":"spec/points.cases.jsonl","line":4,"name":"a small partner spec/points.cases.jsonl:4: small points at 2026-11-25","status":"passed"}'
expect_contains "... the counts" "$json" '"failed":0,"passed":4,"skipped":0'
expect_eq "... the closing line on standard error" "$(tail -n 1 err.txt)" "4 passed, 0 failed, 0 skipped"

# a.trace in attain status; nothing in a sweep.
"$ATTAIN" init >/dev/null
echo '{"type":"org","id":"contoso"}
{"type":"metric","org":"contoso","metric":"azure_consumed_revenue","period":"2026-11","value":12000}' | "$ATTAIN" import - >/dev/null
expect_contains "a.trace shows in attain status" "$("$ATTAIN" status contoso --at 2026-11-25)" \
  "trace: policies/lib/points.lua:5: revenue 12000"
expect_eq "... and not in a sweep" "$("$ATTAIN" eval --at 2026-11-25 2>/dev/null | grep -c trace || true)" 0

# Coverage: the helper's branch for huge revenue never ran.
run --coverage
expect_contains "coverage names a lib/ helper's lines never run" "$out" "policies/lib/points.lua: line 7 never run"
expect_contains "... and the outcomes never seen" "$out" "cloud-platform: never evaluated"

# --watch: runs, then runs again after a change.
"$ATTAIN" test --watch > watch.log 2>&1 &
wpid=$!
trap 'kill "$wpid" 2>/dev/null || true; rm -rf "$T"' EXIT
for _ in $(seq 100); do grep -q "4 passed" watch.log && break; sleep 0.1; done
expect_contains "--watch runs the tests" "$(cat watch.log)" "4 passed, 0 failed, 0 skipped"
sed -i 's/need = 10/need = 11/' policies/points.lua
for _ in $(seq 100); do grep -q "running again" watch.log && grep -q "3 passed, 1 failed" watch.log && break; sleep 0.1; done
expect_contains "... and again after a policy changes" "$(cat watch.log)" "--- changed: running again"
expect_contains "... with the new result" "$(cat watch.log)" "3 passed, 1 failed, 0 skipped"
kill "$wpid"
wait "$wpid" 2>/dev/null || true
finish
