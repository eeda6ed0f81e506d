# attain check end to end: what would fail at evaluation is found before it, each with its
# file:line — an undefined global in a custom measure, a misspelt stdlib constructor, a
# competency id that does not match its file name (also for `return a.competency {...}`),
# a .lua file outside lib/ in a subfolder; with a schema, misspelt metrics and codes are
# rejected; without one, `check --db` warns about them with the names the facts use.
. "$(dirname "$0")/lib.bash"

mkdir -p pol/lib
cat > pol/lib/codes.lua <<'EOF'
return { AZURE = { "AZ-104", "AZ-204" } }
EOF
cat > pol/cloud.lua <<'EOF'
local a = require "attain"
local codes = require "lib.codes"
return a.competency {
  id = "cloud", name = "Cloud",
  paths = {
    a.path { id = "p", level = "silver",
      a.certified { people = 2, codes = codes.AZURE },
      a.certified { people = 1, codes = { "AI-1O2" } },
      a.revenue { metric = "ai_revenu", months = 12, at_least = 100 },
      a.goal { label = "points", need = 1, measure = function(org)
        return org:metric_sum("ai_revenue", 12) + bonus
      end } },
  },
}
EOF
check() { set +e; out=$("$ATTAIN" --policies pol check "$@" 2>&1); rc=$?; set -e; }

check
expect_eq "an undefined global in a custom measure fails check" "$rc" 1
expect_contains "... with its line, though loading never runs the measure" "$out" \
  "pol/cloud.lua:11: failed to validate: undefined global 'bonus'"
sed -i 's/ + bonus//; s/a.certified { people = 1, codes/a.certifed { people = 1, codes/' pol/cloud.lua
check
expect_contains "a misspelt constructor: did you mean" "$out" \
  "pol/cloud.lua:8: failed to validate: a.certifed: attain has no field 'certifed' (did you mean a.certified?)"
sed -i 's/a.certifed/a.certified/; s/id = "cloud"/id = "clouds"/' pol/cloud.lua
check
expect_eq "a competency id that does not match its file, in the return a.competency style, with the line" "$out" \
"pol/cloud.lua:3: failed to validate: competency id 'clouds' must match the file name 'cloud.lua' (set id = \"cloud\" or rename the file to clouds.lua)
pol: 1 problem; 0 of 1 policies ok"
sed -i 's/id = "clouds"/id = "cloud"/' pol/cloud.lua
check
expect_eq "with those fixed and no schema, the set is ok" "$rc" 0

# Without a schema: check --db warns about names no fact uses, listing the known ones.
"$ATTAIN" --db d.db init >/dev/null
cat > facts.jsonl <<'EOF'
{"type":"org","id":"contoso"}
{"type":"user","id":"u1","org":"contoso","joined":"2025-01-01"}
{"type":"msa_link","msa":"m1","user":"u1","at":"2025-01-01"}
{"type":"achievement","msa":"m1","code":"AZ-104","kind":"certification","earned":"2025-06-01"}
{"type":"achievement","msa":"m1","code":"AZ-204","kind":"certification","earned":"2025-06-01"}
{"type":"achievement","msa":"m1","code":"AI-102","kind":"certification","earned":"2025-06-01"}
{"type":"metric","org":"contoso","metric":"ai_revenue","period":"2026-01","value":10}
EOF
"$ATTAIN" --db d.db import facts.jsonl >/dev/null
check --db d.db
expect_eq "check --db warns but passes" "$rc" 0
expect_contains "... a misspelt code, with a suggestion and the known codes" "$out" \
  "pol/cloud.lua:8: warning: a.certified: no fact in d.db has code 'AI-1O2' (did you mean 'AI-102'? known codes: AI-102, AZ-104, AZ-204)"
expect_contains "... a misspelt metric" "$out" \
  "pol/cloud.lua:9: warning: a.revenue: no fact in d.db has metric 'ai_revenu' (did you mean 'ai_revenue'? known metrics: ai_revenue)"
expect_contains "... and counts them" "$out" "(2 warnings)"

# With a schema: the same names are errors, for check and for every load.
cat > pol/schema.json <<'EOF'
{
  "metrics": { "ai_revenue": "revenue" },
  "codes": { "AZ-104": "certification", "AZ-204": "certification", "AI-102": "certification" }
}
EOF
check
expect_eq "with a schema, a misspelt metric and code fail check" "$rc" 1
expect_eq "... each with its line and the declared name" "$out" \
"pol/cloud.lua:8: failed to validate: a.certified: code 'AI-1O2' is not declared in pol/schema.json (did you mean 'AI-102'?)
pol/cloud.lua:9: failed to validate: a.revenue: metric 'ai_revenu' is not declared in pol/schema.json (did you mean 'ai_revenue'?)
pol: 2 problems; 0 of 1 policies ok"
set +e
out=$("$ATTAIN" --db d.db --policies pol eval --org contoso --at 2026-11-25 2>&1)
set -e
expect_contains "... and an evaluation reports the first" "$out" "error: pol/cloud.lua:8: failed to validate: a.certified: code 'AI-1O2'"
sed -i 's/"AI-1O2"/"AI-102"/; s/"ai_revenu"/"ai_revenue"/' pol/cloud.lua
sed -i 's/"ai_revenue": "revenue"/"ai_revenue": "revenue", "old_metric": "usage"/' pol/schema.json
echo '{"type":"metric","org":"contoso","metric":"legacy","period":"2026-01","value":1}' > old.jsonl
"$ATTAIN" --db d.db import old.jsonl >/dev/null # (with --policies elsewhere: no schema applies)
check --db d.db
expect_eq "with a schema, check --db passes" "$rc" 0
expect_contains "... and warns about facts the schema does not declare" "$out" \
  "d.db: warning: facts hold metric 'legacy', which pol/schema.json does not declare"
rm pol/schema.json

# A .lua file in a subfolder other than lib/ is refused, not skipped.
mkdir -p pol/old
cp pol/cloud.lua pol/old/cloud.lua
check
expect_eq "a competency file in a subfolder fails check" "$rc" 1
expect_contains "... saying why" "$out" \
  "pol/old/cloud.lua: not loaded: competency files must be directly in pol, and shared modules in pol/lib/ (require \"lib.NAME\")"
rm -r pol/old
check
expect_eq "and all is well again" "$out" "pol: 1 policy, 1 lib/ module ok, version $(echo "$out" | sed -n 's/.*version //p')"
finish
