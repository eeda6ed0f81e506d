# A policy repository outside the source tree, against attain installed to a prefix (never
# the system): `cmake --install` into a temporary prefix, then a repository of two
# policies, a lib/ module, a schema, a spec and data-driven cases passes `attain test`
# with its closing line; breaking a policy fails it with file:line; `attain check` and
# `attain import` hold the repository to its schema; the installed Lua modules, LuaLS
# stubs and luacheck standard serve plain busted and luacheck.
. "$(dirname "$0")/lib.bash"

build=$(dirname "$ATTAIN")
prefix=$T/prefix
cmake --install "$build" --prefix "$prefix" >install.log 2>&1 || { cat install.log; fail "cmake --install"; }
for f in bin/attain lib/lua/5.4/attain/testing.so share/lua/5.4/attain/init.lua \
         share/lua/5.4/attain/goals.lua share/lua/5.4/attain/fixture.lua \
         share/lua/5.4/attain/test_runner.lua share/lua/5.4/attain/cases.lua \
         share/attain/meta/facts.lua share/attain/luacheck/policies.lua share/doc/attain/docs/domain.md \
         share/doc/attain/docs/policy-repo.md; do
  [ -f "$prefix/$f" ] && pass "installed $f" || fail "$f is not installed"
done
attain=$prefix/bin/attain

mkdir -p repo/policies/lib repo/spec
cd repo
cat > policies/lib/codes.lua <<'EOF'
-- Achievement codes the policies share.
return {
  AZURE = { "AZ-104", "AZ-204", "AZ-305" },
  SECURITY = { "SC-200", "SC-300", "SC-100" },
}
EOF
cat > policies/cloud-platform.lua <<'EOF'
local a = require "attain"
local codes = require "lib.codes"

return a.competency {
  id = "cloud-platform", name = "Cloud Platform",
  paths = {
    a.path { id = "consumption", level = "silver",
      a.certified { people = 2, codes = codes.AZURE },
      a.revenue { metric = "azure_consumed_revenue", months = 12, at_least = 15000 } },
  },
}
EOF
cat > policies/security.lua <<'EOF'
local a = require "attain"
local codes = require "lib.codes"

return a.competency {
  id = "security", name = "Security",
  paths = {
    a.path { id = "usage", level = "silver",
      a.certified { people = 2, codes = codes.SECURITY },
      a.usage { metric = "security_active_usage", months = 3, at_least = 150 } },
  },
}
EOF
cat > policies/schema.json <<'EOF'
{
  "metrics": {
    "azure_consumed_revenue": "revenue",
    "security_active_usage": "usage"
  },
  "codes": {
    "AZ-104": "certification", "AZ-204": "certification", "AZ-305": "certification",
    "SC-200": "certification", "SC-300": "certification", "SC-100": "certification"
  }
}
EOF
cat > spec/cloud-platform_spec.lua <<'EOF'
local fixture = require "attain.fixture"

describe("cloud-platform", function()
  it("is silver with two certified people and 15000 revenue", function()
    local fx = fixture.new()
    fx:org("contoso")
    fx:certified_people("contoso", 2, "AZ-104")
    fx:metric_total("contoso", "azure_consumed_revenue", 15000, { to = "2026-11", months = 12 })
    local r = fx:evaluate("cloud-platform", "contoso", "2026-11-25")
    assert.are.equal("silver", r.level)
    assert.are.same({ 2, 15000 }, fixture.haves(fixture.path(r, "consumption", "silver")))
  end)
end)
EOF
cat > spec/security.cases.jsonl <<'EOF'
# Two certified people and 150 average active usage: silver; one leaves: none.
{"type":"org","id":"fabrikam"}
{"type":"user","id":"f1","org":"fabrikam","joined":"2025-01-01"}
{"type":"msa_link","msa":"f1@msa","user":"f1","at":"2025-01-01"}
{"type":"achievement","msa":"f1@msa","code":"SC-200","kind":"certification","earned":"2025-06-01"}
{"type":"user","id":"f2","org":"fabrikam","joined":"2025-01-01"}
{"type":"msa_link","msa":"f2@msa","user":"f2","at":"2025-01-01"}
{"type":"achievement","msa":"f2@msa","code":"SC-100","kind":"certification","earned":"2025-06-01"}
{"type":"metric","org":"fabrikam","metric":"security_active_usage","period":"2026-09","value":150}
{"type":"metric","org":"fabrikam","metric":"security_active_usage","period":"2026-10","value":150}
{"type":"metric","org":"fabrikam","metric":"security_active_usage","period":"2026-11","value":150}
{"type":"expect","org":"fabrikam","competency":"security","at":"2026-11-25","level":"silver","state":"qualified","paths":{"silver/usage":true}}
{"type":"user","id":"f2","left":"2026-11-01"}
{"type":"expect","org":"fabrikam","competency":"security","at":"2026-11-25","level":"none","name":"a departure costs the level (R8)"}
EOF

set +e
out=$("$attain" test 2>&1); rc=$?
set -e
expect_eq "attain test passes in a fresh repository, with nothing set" "$rc" 0
expect_eq "... and closes with its line" "$(echo "$out" | tail -n 1)" "3 passed, 0 failed, 0 skipped"
out=$("$attain" check)
expect_contains "attain check: two policies, a lib/ module and the schema" "$out" \
  "policies: 2 policies, 1 lib/ module, a schema of 2 metrics and 6 codes ok"

# Breaking a policy fails the spec and the case, each with its file and line.
sed -i 's/at_least = 15000/at_least = 16000/; s/at_least = 150 }/at_least = 151 }/' policies/*.lua
set +e
out=$("$attain" test 2>&1); rc=$?
set -e
expect_eq "a broken threshold fails attain test" "$rc" 1
expect_eq "... closing line" "$(echo "$out" | tail -n 1)" "1 passed, 2 failed, 0 skipped"
expect_contains "... the spec names its line" "$out" "spec/cloud-platform_spec.lua:10: Expected objects to be equal."
expect_contains "... the case names its line and what differs" "$out" \
  "spec/security.cases.jsonl:12: level: expected silver, got none"
expect_contains "... and shows the progress" "$out" "- active usage security_active_usage averaged over 3 months ≥ 151: have 150, need 151"
sed -i 's/at_least = 16000/at_least = 15000/; s/at_least = 151 }/at_least = 150 }/' policies/*.lua
printf 'local a = require "attain"\nreturn a.competency {\n  id = "security" name = "x" }\n' > policies/security.lua.new
cp policies/security.lua security.good && mv policies/security.lua.new policies/security.lua
set +e
out=$("$attain" test 2>&1); rc=$?
set -e
expect_eq "a policy that does not compile fails attain test" "$rc" 1
expect_contains "... with its file and line" "$out" "policies/security.lua:3: failed to compile"
mv security.good policies/security.lua

# The schema: a misspelt metric or code is rejected by check, with the line and a suggestion.
sed -i 's/"azure_consumed_revenue"/"azure_consumed_revenu"/; s/codes.AZURE/{ "AZ-1O4" }/' policies/cloud-platform.lua
set +e
out=$("$attain" check 2>&1); rc=$?
set -e
expect_eq "check rejects undeclared names" "$rc" 1
expect_contains "... a code" "$out" "policies/cloud-platform.lua:8: failed to validate: a.certified: code 'AZ-1O4' is not declared in policies/schema.json (did you mean 'AZ-104'?)"
expect_contains "... a metric" "$out" "policies/cloud-platform.lua:9: failed to validate: a.revenue: metric 'azure_consumed_revenu' is not declared in policies/schema.json (did you mean 'azure_consumed_revenue'?)"
sed -i 's/"azure_consumed_revenu"/"azure_consumed_revenue"/; s/{ "AZ-1O4" }/codes.AZURE/' policies/cloud-platform.lua
"$attain" init >/dev/null
set +e
out=$(echo '{"type":"metric","org":"contoso","metric":"azure_revenue","period":"2026-01","value":1}' | "$attain" import - 2>&1); rc=$?
set -e
expect_eq "import rejects a metric the schema does not declare (65)" "$rc" 65
expect_contains "... naming it" "$out" '<stdin>:1: metric: metric "azure_revenue" is not declared in policies/schema.json'
expect_eq "... and stores nothing" "$(sqlite3 attain.db 'SELECT count(*) FROM metric')" 0

# Machine-readable reports.
out=$("$attain" test --output junit 2>/dev/null)
expect_contains "--output junit" "$out" "<testsuites"
out=$("$attain" test --output json 2>/dev/null)
expect_contains "--output json" "$out" '"passed":3'
out=$("$attain" test --coverage 2>&1)
expect_contains "--coverage reports what the tests never saw" "$out" "cloud-platform: silver/consumption never not met"
set +e
"$attain" test --fail-under 100 >/dev/null 2>&1; rc=$?
set -e
expect_eq "--fail-under 100 fails an incomplete suite" "$rc" 1

# Plain busted with the installed modules (not for a sanitizer build: lua5.4 would load an
# instrumented module), and luacheck with the installed standard.
if [[ $(ldd "$attain") != *libasan* ]]; then
  out=$(LUA_PATH="$prefix/share/lua/5.4/?.lua;$prefix/share/lua/5.4/?/init.lua;;" \
        LUA_CPATH="$prefix/lib/lua/5.4/?.so;;" busted --lua=lua5.4 -o plainTerminal spec/cloud-platform_spec.lua 2>&1)
  expect_contains "plain busted runs a spec against the installed modules" "$out" "1 success / 0 failures"
fi
cat > .luacheckrc <<EOF
stds.attain = dofile("$prefix/share/attain/luacheck/policies.lua")
files["policies/"] = { std = "attain" }
EOF
luacheck -q policies >/dev/null && pass "luacheck accepts the policies with the installed standard" \
  || fail "luacheck rejects the policies"
echo 'return { x = os.time() }' > policies/lib/bad.lua
set +e
out=$(luacheck --no-color -q policies 2>&1)
set -e
expect_contains "... and flags what the sandbox lacks" "$out" "accessing undefined variable 'os'"
rm policies/lib/bad.lua
finish
