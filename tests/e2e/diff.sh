# attain diff end to end, on the example organisations and 300 generated ones: an
# unchanged set (a copy, a comment-only edit) reports nothing and exits 0; a threshold
# edit reports exactly the organisation x competency rows that two separate `eval` runs
# (one per set, on copies of the database) store differently — level, lifecycle state,
# open renewal alert, error — with the goal that made the difference; a policy failing at
# run time reports the errors it would introduce (also checked against two evals); a
# candidate that fails to compile, and a competency removed; nothing is written; the JSON
# is reproducible; usage errors exit 2, unreadable input 65.
. "$(dirname "$0")/lib.bash"

AT=2026-11-25
cp -r "$ATTAIN_SOURCE_DIR/policies" pol
"$ATTAIN" --db d.db init >/dev/null
"$ATTAIN" --db d.db import "$ATTAIN_SOURCE_DIR"/examples/facts.jsonl >/dev/null
lua5.4 "$ATTAIN_SOURCE_DIR"/tests/bench/gen.lua --orgs 300 --seed 3 --now "$AT" > gen.jsonl 2>/dev/null
"$ATTAIN" --db d.db import gen.jsonl >/dev/null
# What is stored before the diff: states and alerts as of five days earlier.
"$ATTAIN" --db d.db --policies pol eval --at 2026-11-20 >/dev/null 2>&1
content d.db > before.content
ORGS=$(sqlite3 d.db 'SELECT count(*) FROM org')

diff_run() { # OUT DIR [ARGS...]: attain diff of DIR against pol; sets rc
  local out=$1 dir=$2
  shift 2
  set +e
  "$ATTAIN" --db d.db --policies "$dir" diff --against pol --at "$AT" "$@" > "$out" 2> "$out.err"
  rc=$?
  set -e
}
# rows_sql SCHEMA: every organisation x competency as an evaluation stored it in SCHEMA
# (main or a): level, state, an open renewal alert, whether the row has an error.
rows_sql() {
  echo "SELECT o.key AS key, c.id AS id, coalesce(r.level, 'none') AS l, coalesce(s.state, 'none') AS s,
      EXISTS (SELECT 1 FROM $1.alert x WHERE x.oid = o.oid AND x.competency = c.id AND x.cleared IS NULL) AS al,
      r.error IS NOT NULL AS e
    FROM org o CROSS JOIN ids c LEFT JOIN $1.result r ON r.oid = o.oid AND r.competency = c.id
    LEFT JOIN $1.status s ON s.oid = o.oid AND s.competency = c.id"
}
# eval_changes DIR: evaluates pol and DIR on two copies of d.db as of $AT and prints the
# rows they store differently, one line each: org competency level->level state->state
# alert->alert error->error (alerts and errors as 0/1), sorted.
eval_changes() {
  local dir=$1 ids
  cp d.db b.db && cp d.db a.db
  "$ATTAIN" --db b.db --policies pol eval --at "$AT" >/dev/null 2>&1 || true
  "$ATTAIN" --db a.db --policies "$dir" eval --at "$AT" >/dev/null 2>&1 || true
  ids=$(cd pol && ls ./*.lua && cd "../$dir" && ls ./*.lua) 
  ids=$(echo "$ids" | sed 's|^\./||; s|\.lua$||' | sort -u | sed "s/.*/SELECT '&' AS id/" |
    paste -sd'|' | sed 's/|/ UNION /g')
  sqlite3 -separator ' ' b.db "ATTACH 'a.db' AS a; CREATE TEMP VIEW ids AS $ids;
    SELECT b.key, b.id, b.l || '->' || a.l, b.s || '->' || a.s, b.al || '->' || a.al, b.e || '->' || a.e
    FROM ($(rows_sql main)) b JOIN ($(rows_sql a)) a USING (key, id)
    WHERE (b.l, b.s, b.al, b.e) IS NOT (a.l, a.s, a.al, a.e);" | sort
}
# json_changes FILE: the same lines from a diff's --json examples (all of them: run with
# --examples larger than any competency's changes).
json_changes() {
  sqlite3 -separator ' ' :memory: "SELECT json_extract(value, '\$.org'), json_extract(value, '\$.competency'),
      json_extract(value, '\$.before.level') || '->' || json_extract(value, '\$.after.level'),
      json_extract(value, '\$.before.state') || '->' || json_extract(value, '\$.after.state'),
      json_extract(value, '\$.before.alert') || '->' || json_extract(value, '\$.after.alert'),
      (json_extract(value, '\$.before.error') IS NOT NULL) || '->' || (json_extract(value, '\$.after.error') IS NOT NULL)
    FROM json_each(readfile('$1'), '\$.examples')" | sort
}
jget() { sqlite3 :memory: "SELECT json_extract(readfile('$1'), '$2')"; }
# expect_same_lines WHAT GOT-FILE EXPECTED-FILE: on a mismatch, the first lines that differ
expect_same_lines() {
  if cmp -s "$2" "$3"; then pass "$1"; else fail "$1: $(diff "$2" "$3" | head -n 12)"; fi
}

# ---- an unchanged set ----
cp -r pol same
diff_run same.out same
expect_eq "an identical copy exits 0" "$rc" 0
expect_eq "... and reports that nothing changes" "$(tail -n 1 same.out)" "nothing changes"
cp -r pol comment
echo '-- a comment: a new version, the same behaviour' >> comment/security.lua
diff_run comment.out comment --json
expect_eq "a comment-only edit exits 0" "$rc" 0
expect_eq "... with nothing changed in $ORGS organisations" \
  "$(jget comment.out '$.organisations') $(jget comment.out '$.changed') $(jget comment.out '$.examples')" "$ORGS 0 []"
[ "$(jget comment.out '$.before.version')" != "$(jget comment.out '$.after.version')" ] &&
  pass "... though the versions differ" || fail "the comment did not change the version"

# ---- a threshold edit: the issue's slip, 15000 for 150000 ----
cp -r pol slip
sed -i 's/at_least = 15000 }/at_least = 150000 }/' slip/cloud-platform.lua
diff_run slip.json slip --json --examples 1000
expect_eq "a threshold edit exits 1" "$rc" 1
eval_changes slip > slip.evals
json_changes slip.json > slip.diff
expect_same_lines "it reports exactly the rows two separate evals store differently" slip.diff slip.evals
[ -s slip.evals ] && pass "... ($(wc -l < slip.evals) rows)" || fail "the edit changed nothing"
demoted=$(awk '{ split($3, l, "->"); r["none"] = 0; r["silver"] = 1; r["gold"] = 2; if (r[l[2]] < r[l[1]]) print $1 }' slip.evals | sort -u | wc -l)
expect_eq "the organisations demoted are those two evals demote" "$(jget slip.json '$.demoted')" "$demoted"
expect_eq "... and the organisations changed" "$(jget slip.json '$.changed')" "$(cut -d' ' -f1 slip.evals | sort -u | wc -l)"
expect_eq "only cloud-platform changes" \
  "$(sqlite3 :memory: "SELECT group_concat(json_extract(value, '\$.competency')) FROM json_each(readfile('slip.json'), '\$.competencies') WHERE json_extract(value, '\$.changed') > 0")" \
  cloud-platform
expect_eq "the goal that made the difference, with have and need on both sides" \
  "$(sqlite3 :memory: "SELECT json_extract(value, '\$.goal') FROM json_each(readfile('slip.json'), '\$.examples') WHERE json_extract(value, '\$.org') = 'contoso'")" \
  '{"change":"met","level":"silver","path":"consumption","before":{"path_met":true,"label":"revenue azure_consumed_revenue over 12 months ≥ 15000","have":16500,"need":15000,"met":true},"after":{"path_met":false,"label":"revenue azure_consumed_revenue over 12 months ≥ 150000","have":16500,"need":150000,"met":false}}'
expect_eq "contoso's renewal alert would be raised" \
  "$(grep contoso slip.diff)" "contoso cloud-platform silver->none active->at_risk 0->1 0->0"

diff_run slip.txt slip
expect_eq "text: exit 1" "$rc" 1
changed=$(jget slip.json '$.changed')
expect_contains "text: counts first" "$(sed -n 4p slip.txt)" "$changed organisations change: $demoted lose a level"
expect_contains "text: per competency" "$(cat slip.txt)" "
cloud-platform: $changed organisations change
  levels: "
expect_contains "text: the unchanged competencies" "$(cat slip.txt)" \
  "unchanged: application-development, application-integration, cloud-business-applications, cloud-productivity, collaboration-and-content, communications, data-analytics, data-platform, datacenter, devops, enterprise-mobility-management, enterprise-resource-planning, learning, messaging, project-and-portfolio-management, security, small-and-midmarket-cloud-solutions, windows-and-devices"
expect_contains "text: an example, the goal with have/need both sides" "$(cat slip.txt)" "
  contoso, cloud-platform: level silver -> none; state active -> at_risk; renewal alert raised
    silver path consumption, goal: revenue azure_consumed_revenue over 12 months ≥ 15000
      before: have 16500, need 15000: met; path met
      after:  have 16500, need 150000: not met; path not met  (goal: revenue azure_consumed_revenue over 12 months ≥ 150000)
"
expect_eq "text: at most 5 examples per competency by default" "$(grep -c '^  [^ ].*, cloud-platform: ' slip.txt)" 5

diff_run slip2.json slip --json --examples 1000
expect_eq "the JSON is byte-for-byte reproducible" "$(cmp slip.json slip2.json && echo same)" same

# ---- a policy that fails at run time: the errors it would introduce ----
cp -r pol failing
line=$(grep -n 'a.path { id = "scale"' failing/cloud-platform.lua | cut -d: -f1)
sed -i "${line}i\\    a.path { id = \"custom\", level = \"gold\", a.goal { label = \"broken\", need = 1, measure = function(org) return org.nothing.here end } }," failing/cloud-platform.lua
diff_run failing.json failing --json --examples 1000
expect_eq "a failing policy exits 1" "$rc" 1
expect_eq "... introducing an error in every organisation's row" \
  "$(jget failing.json '$.errors_introduced') $(sqlite3 :memory: "SELECT json_extract(value, '\$.errors_introduced')
      FROM json_each(readfile('failing.json'), '\$.competencies')
      WHERE json_extract(value, '\$.competency') = 'cloud-platform'")" "$ORGS $ORGS"
eval_changes failing > failing.evals
json_changes failing.json > failing.diff
expect_same_lines "... exactly the rows two separate evals store differently" failing.diff failing.evals
diff_run failing.txt failing
expect_contains "text: the errors per competency" "$(cat failing.txt)" "  errors: $ORGS introduced, 0 fixed"
expect_contains "text: the error with file and line" "$(cat failing.txt)" \
  "    error: failing/cloud-platform.lua:$line: failed to run: attempt to index a nil value (field 'nothing')"

# ---- a candidate that does not compile; a competency removed ----
cp -r pol broken
printf 'local a = require "attain"\nreturn a.competency {\n  id = "broken" name = "x",\n}\n' > broken/broken.lua
diff_run broken.txt broken
expect_eq "a candidate with a syntax error exits 1" "$rc" 1
expect_contains "... naming the problem" "$(cat broken.txt)" "has 1 problem (attain check fails on it; the daemon would refuse it):
  broken/broken.lua:3: failed to compile:"
expect_contains "... and the errors it introduces" "$(cat broken.txt)" "broken: new in the candidate set; $ORGS organisations change"
cp -r pol removed
rm removed/security.lua
diff_run removed.json removed --json
expect_eq "a removed competency: its levels are lost" \
  "$(sqlite3 :memory: "SELECT json_extract(value, '\$.in_after') || ' ' || json_extract(value, '\$.lost') FROM json_each(readfile('removed.json'), '\$.competencies') WHERE json_extract(value, '\$.competency') = 'security'")" \
  "0 $(cp d.db r.db && "$ATTAIN" --db r.db --policies pol eval --at "$AT" >/dev/null 2>&1; sqlite3 r.db "SELECT count(*) FROM result WHERE competency = 'security' AND level IS NOT NULL")"

expect_eq "diff wrote nothing" "$(content d.db | cmp - before.content && echo same)" same

# ---- usage and input errors ----
set +e
out=$("$ATTAIN" --db d.db --policies pol diff --against pol 2>&1); rc=$?
set -e
expect_eq "the same directory twice is a usage error" "$rc" 2
expect_contains "... that says so" "$out" "--policies pol and --against pol are the same directory"
set +e
out=$("$ATTAIN" --db d.db --policies slip diff --against pol --at yesterday 2>&1); rc=$?
set -e
expect_eq "a bad --at is a usage error" "$rc" 2
set +e
out=$("$ATTAIN" --db d.db --policies slip diff --against nowhere 2>&1); rc=$?
set -e
expect_eq "an unreadable --against exits 65" "$rc" 65
expect_contains "... naming it" "$out" "attain diff: nowhere"
set +e
out=$("$ATTAIN" --db missing.db --policies slip diff --against pol 2>&1); rc=$?
set -e
expect_eq "a missing database exits 65" "$rc" 65
expect_eq "... and is not created" "$(test -e missing.db && echo created || echo absent)" absent
finish
