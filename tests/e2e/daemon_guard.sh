# attain serve --reload-guard end to end: `ctl reload --dry-run` answers a reload's impact
# without swapping; a harmful edit (the 15000 -> 150000 slip, demoting 4 of 6
# organisations, more than the guard's 10%) is held — the old set keeps serving and stays
# in the stored results, a warning is logged with the counts, `ctl status` shows the held
# version and its impact, `ctl reload` says why; reverting the edit drops the hold;
# `--confirm` with another version is refused and with the held one swaps it in; a
# harmless edit swaps at once.
. "$(dirname "$0")/lib.bash"

# The daemon evaluates at the wall clock: the facts are dated relative to it. s1..s4 are
# silver in cloud-platform (two certified people, 2,000 of revenue a month for the last
# twelve months: 24,000 >= 15,000); s1 bought silver a minute ago (active); n1, n2 have
# nothing.
{
  for o in s1 s2 s3 s4 n1 n2; do echo "{\"type\":\"org\",\"id\":\"$o\"}"; done
  for o in s1 s2 s3 s4; do
    for u in a b; do
      echo "{\"type\":\"user\",\"id\":\"$o-$u\",\"org\":\"$o\",\"joined\":\"2024-01-01\"}"
      echo "{\"type\":\"msa_link\",\"msa\":\"$o-$u@msa\",\"user\":\"$o-$u\",\"at\":\"2024-01-02T00:00:00Z\"}"
      echo "{\"type\":\"achievement\",\"msa\":\"$o-$u@msa\",\"code\":\"AZ-104\",\"kind\":\"certification\",\"earned\":\"2024-02-01T00:00:00Z\"}"
    done
    for m in $(seq 0 11); do
      echo "{\"type\":\"metric\",\"org\":\"$o\",\"metric\":\"azure_consumed_revenue\",\"period\":\"$(date -u -d "$(date -u +%Y-%m-15) -$m month" +%Y-%m)\",\"value\":2000}"
    done
  done
  echo "{\"type\":\"membership\",\"org\":\"s1\",\"competency\":\"cloud-platform\",\"level\":\"silver\",\"bought\":\"$(date -u -d '-60 seconds' +%Y-%m-%dT%H:%M:%SZ)\"}"
} > facts.jsonl

cp -r "$ATTAIN_SOURCE_DIR/policies" pol
A=("$ATTAIN" --db d.db --policies pol)
"${A[@]}" init >/dev/null
"${A[@]}" import facts.jsonl >/dev/null

set +e
out=$("${A[@]}" serve --reload-guard lots 2>&1); rc=$?
set -e
expect_eq "a --reload-guard that is not a percentage is a usage error" "$rc" 2
expect_contains "... that says so" "$out" "--reload-guard must be a percentage from 0 to 100, got 'lots'"

"${A[@]}" serve --every 1s --reload-guard 10 2> serve.log &
pid=$!
trap 'kill -TERM "$pid" 2>/dev/null || true; rm -rf "$T"' EXIT

ctl() { "${A[@]}" ctl "$@"; }
field() { sed -n "s/.*\"$1\":\"\{0,1\}\([^,\"}]*\).*/\1/p" | head -n 1; }
wait_for() { # SECONDS COMMAND...: until COMMAND succeeds
  local deadline=$(($(date +%s) + $1))
  shift
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 0.05
  done
}
# status: ctl status's reply, whatever its exit code (1 while a reload is held: degraded)
status() { "${A[@]}" ctl status 2>/dev/null || true; }
served() { status | field policy; }
results_version_is() { [ "$(sqlite3 d.db 'SELECT group_concat(DISTINCT policy) FROM evaluation')" == "$1" ]; }
held_version() { status | sed -n 's/.*"held":{"version":"\([^"]*\)".*/\1/p'; }

wait_for 10 sh -c "${A[*]} ctl status | grep -q '\"policy\":\"'" || fail "the daemon did not start"
v0=$(served)
wait_for 10 results_version_is "$v0" || fail "the first sweep did not store every organisation"
expect_eq "the four are silver" "$(sqlite3 d.db "SELECT count(*) FROM result WHERE level = 'silver'")" 4
expect_contains "ctl status shows the guard, nothing held" "$(ctl status)" '"reload_guard":10.0,"held":null}'

out=$(ctl reload --dry-run)
expect_eq "a dry run of the serving files: nothing changes" "$out" \
  "{\"ok\":true,\"dry_run\":true,\"version\":\"$v0\",\"serving\":\"$v0\",\"changed\":0,\"impact\":null}"

# The slip: silver consumption revenue 15000 -> 150000.
slip() { sed -i 's/at_least = 15000 }/at_least = 150000 }/' pol/cloud-platform.lua; }
unslip() { sed -i '0,/at_least = 150000 }/s//at_least = 15000 }/' pol/cloud-platform.lua; } # the first: silver's
slip
wait_for 10 sh -c "${A[*]} ctl status | grep -q '\"held\":{\"version\":'" || fail "the harmful edit was not held"
v1=$(held_version)
[ -n "$v1" ] && [ "$v1" != "$v0" ] && pass "the harmful edit is held as a new version" || fail "held [$v1]"
st=$(ctl status 2> held.err) && rc=0 || rc=$?
expect_eq "ctl status exits 1 while a reload is held (degraded: an operator must decide)" "$rc" 1
expect_contains "... and says why on stderr" "$(cat held.err)" "a reload is held"
expect_eq "the old set keeps serving" "$(echo "$st" | field policy)" "$v0"
expect_contains "status: the held set" "$st" "\"held\":{\"version\":\"$v1\",\"at\":"
expect_contains "... measured against the serving set" "$st" \
  "\"trigger\":\"fs\",\"serving\":\"$v0\",\"impact\":{\"at\":"
expect_contains "... with its impact" "$st" \
  '"organisations":6,"changed":4,"demoted":4,"demoted_percent":66.7,"promoted":0,"levels_lost":4,"levels_gained":0,"state_changes":4,"alerts_raised":1,"alerts_cleared":0,"errors_introduced":0,"errors_fixed":0},"error":null}'
expect_contains "status: the counter" "$st" '"reloads_held":1'
expect_contains "the hold is logged as a warning with the counts" "$(cat serve.log)" \
  "level=warn event=reload result=held trigger=fs version=$v1 serving=$v0 orgs=6 demoted=4 demoted_pct=66.7 guard_pct=10 promoted=0 changed=4 levels_lost=4 state_changes=4 alerts_raised=1 alerts_cleared=0 errors_introduced=0"
sleep 1.2 # a sweep or two
expect_eq "the stored evaluations still name the serving set" "$(results_version_is "$v0" && echo yes)" yes
expect_eq "... and the four stay silver" "$(sqlite3 d.db "SELECT count(*) FROM result WHERE level = 'silver'")" 4

# Reverting the edit drops the hold: the files are the serving set again.
unslip
wait_for 10 sh -c "${A[*]} ctl status | grep -q '\"held\":null'" || fail "reverting did not drop the hold"
expect_eq "reverting a held edit drops the hold; the same set serves" "$(served)" "$v0"
expect_contains "... logged" "$(cat serve.log)" "event=reload result=unchanged trigger=fs version=$v0 dropped=$v1"

slip
wait_for 10 sh -c "${A[*]} ctl status | grep -q '\"held\":{\"version\":\"$v1\"'" || fail "the edit again was not held"
out=$(ctl reload --dry-run)
expect_contains "a dry run answers the impact of the files on disk" "$out" \
  "{\"ok\":true,\"dry_run\":true,\"version\":\"$v1\",\"serving\":\"$v0\",\"changed\":4,\"impact\":{"
expect_contains "... with the goal that made the difference" "$out" \
  '{"org":"s1","competency":"cloud-platform","before":{"defined":true,"level":"silver","state":"active","alert":false,"error":null},"after":{"defined":true,"level":"none","state":"at_risk","alert":true,"error":null,"cause":"silver path consumption: revenue azure_consumed_revenue over 12 months ≥ 150000: have 24000, need 150000"},"goal":{"change":"met","level":"silver","path":"consumption","before":{"path_met":true,"label":"revenue azure_consumed_revenue over 12 months ≥ 15000","have":24000,"need":15000,"met":true},"after":{"path_met":false,"label":"revenue azure_consumed_revenue over 12 months ≥ 150000","have":24000,"need":150000,"met":false}}}'
expect_eq "... and swaps nothing" "$(served)" "$v0"

set +e
out=$(ctl reload); rc=$?
set -e
expect_eq "ctl reload of the held files fails" "$rc" 1
expect_contains "... saying why and how to go on" "$out" \
  "\"ok\":false,\"version\":\"$v1\",\"serving\":\"$v0\",\"error\":\"held by the reload guard: 4 of 6 organisations (66.7%) would lose a level, more than --reload-guard 10%; \`attain ctl reload --dry-run\` shows the impact, \`attain ctl reload --confirm $v1\` swaps it in\",\"held\":true,\"impact\":{"

set +e
out=$(ctl reload --confirm 0123456789abcdef); rc=$?
set -e
expect_eq "--confirm of another version is refused" "$rc" 1
expect_eq "... saying which is held" "$out" \
  "{\"ok\":false,\"error\":\"0123456789abcdef is not the held version (held: $v1); nothing was swapped\",\"held\":\"$v1\",\"serving\":\"$v0\"}"
expect_eq "... and swaps nothing" "$(served)" "$v0"

out=$(ctl reload --confirm "$v1")
expect_eq "--confirm of the held version swaps it in" "$out" "{\"ok\":true,\"version\":\"$v1\",\"serving\":\"$v1\"}"
expect_contains "... nothing is held any more" "$(status)" '"held":null}'
wait_for 5 results_version_is "$v1" || fail "the confirmed set was not swept"
expect_eq "... and the next sweep stores its results: the four lose silver" \
  "$(sqlite3 d.db "SELECT count(*) FROM result WHERE level = 'silver'")" 0
expect_eq "... s1's renewal alert is raised" \
  "$(sqlite3 d.db "SELECT count(*) FROM alert a JOIN org o USING (oid) WHERE o.key = 's1' AND a.cleared IS NULL")" 1
expect_contains "the confirmation is logged" "$(cat serve.log)" \
  "level=info event=reload result=ok trigger=confirm version=$v1 policies=19 was=$v0"
set +e
out=$(ctl reload --confirm "$v1"); rc=$?
set -e
expect_eq "--confirm with nothing held fails" "$rc" 1
expect_contains "... saying so" "$out" '"error":"no reload is held: nothing to confirm"'

# A harmless edit swaps at once: it demotes nobody.
echo '-- reviewed' >> pol/security.lua
wait_for 10 sh -c "[ \"\$(${A[*]} ctl status | sed -n 's/.*\"policy\":\"\([^\"]*\)\".*/\1/p')\" != $v1 ]" ||
  fail "the harmless edit did not swap"
v2=$(served)
expect_contains "a harmless edit swaps at once, logging its impact" "$(cat serve.log)" \
  "level=info event=reload result=ok trigger=fs version=$v2 policies=19 demoted=0 demoted_pct=0.0 guard_pct=10"

set +e
"${A[@]}" ctl status --dry-run >/dev/null 2>&1; rc=$?
set -e
expect_eq "ctl --dry-run goes with reload only" "$rc" 2

kill -TERM "$pid"
set +e
wait "$pid"; rc=$?
set -e
expect_eq "SIGTERM exits 0" "$rc" 0
finish
