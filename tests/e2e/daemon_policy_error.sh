# A policy that fails at run time reaches the daemon's log within one sweep, at level
# error, with the number of rows it failed, the first organisation and file:line — not
# only as `errors=N` on the sweep line (docs/daemon.md, "Logs").
. "$(dirname "$0")/lib.bash"

mkdir pol
cp "$ATTAIN_SOURCE_DIR/policies/security.lua" pol/
mkdir pol/lib && cp "$ATTAIN_SOURCE_DIR/policies/lib/codes.lua" pol/lib/ # the code lists it requires
cat > pol/points.lua <<'LUA'
local a = require "attain"
return a.competency {
  id = "points",
  name = "Points",
  paths = {
    a.path { id = "points", level = "silver",
      a.goal { label = "points", need = 1, measure = function(org)
        if org:metric_sum("azure_consumed_revenue", 12) > 0 then
          error("no points table for this organisation")
        end
        return 0
      end } },
  },
}
LUA
A=("$ATTAIN" --db d.db --policies pol)
"${A[@]}" init >/dev/null
"${A[@]}" import "$ATTAIN_SOURCE_DIR"/examples/facts.jsonl >/dev/null
"${A[@]}" serve --every 1h 2> serve.log &
pid=$!
trap 'kill -TERM "$pid" 2>/dev/null || true; rm -rf "$T"' EXIT
for _ in $(seq 200); do grep -q 'event=sweep kind=due' serve.log && break; sleep 0.05; done
line=$(grep 'event=policy_error' serve.log || true)
expect_eq "the first sweep logs one policy_error line for the failing policy" "$(grep -c 'event=policy_error' serve.log || true)" 1
expect_contains "... at level error" "$line" "level=error event=policy_error policy=points kind=due"
errors=$(sed -n 's/.* errors=\([0-9]*\).*/\1/p' <<< "$line")
expect_eq "... with how many organisations it failed" "$errors" \
  "$(sqlite3 d.db "SELECT count(*) FROM result WHERE competency = 'points' AND error IS NOT NULL")"
expect_contains "... the first organisation" "$line" "first_org="
expect_contains "... and file:line with the message" "$line" \
  'first_org=contoso error="pol/points.lua:9: failed to run: no points table for this organisation"'
expect_eq "the other policy logs nothing" "$(grep -c 'event=policy_error policy=security' serve.log || true)" 0
kill -TERM "$pid"
wait "$pid"
finish
